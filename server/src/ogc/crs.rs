//! 坐标参考系 — the CRSs of OGC API Features Part 2: CRS84, EPSG:4490 (CGCS2000), EPSG:4326,
//! EPSG:3857 and the CGCS2000 Gauss-Krüger zones EPSG:4513–4554, each with its own axis order.
//! Data are stored in EPSG:4490; PostGIS transforms them (x = easting/longitude there).

use std::fmt;

/// A CRS a client may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crs {
    /// `None`: OGC CRS84 (WGS 84 longitude/latitude).
    pub epsg: Option<u16>,
}

pub const CRS84: Crs = Crs { epsg: None };
/// The storage CRS: CGCS2000 geographic (2000国家大地坐标系).
pub const CGCS2000: Crs = Crs { epsg: Some(4490) };
const CRS84_URI: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
const EPSG_PREFIX: &str = "http://www.opengis.net/def/crs/EPSG/0/";

impl Crs {
    /// Every CRS served, CRS84 first.
    pub fn all() -> impl Iterator<Item = Crs> {
        [None, Some(4490), Some(4326), Some(3857)].into_iter().chain((4513..=4554).map(Some)).map(|epsg| Crs { epsg })
    }

    /// `http://www.opengis.net/def/crs/EPSG/0/4490`, the safe CURIE `[EPSG:4490]`, or `EPSG:4490`.
    pub fn parse(s: &str) -> Result<Crs, String> {
        let s = s.trim();
        if s == CRS84_URI || s == "[OGC:CRS84]" || s.eq_ignore_ascii_case("CRS84") {
            return Ok(CRS84);
        }
        let code = s
            .strip_prefix(EPSG_PREFIX)
            .or_else(|| s.strip_prefix("[EPSG:").and_then(|c| c.strip_suffix(']')))
            .or_else(|| s.strip_prefix("EPSG:"))
            .ok_or_else(|| format!("{s:?} is not a CRS URI such as {EPSG_PREFIX}4490 or {CRS84_URI}"))?;
        let crs = code.parse::<u16>().ok().map(|c| Crs { epsg: Some(c) });
        match crs {
            Some(c) if Crs::all().any(|a| a == c) => Ok(c),
            _ => Err(format!(
                "EPSG:{code} is not served; CRSs: CRS84, EPSG:4490, EPSG:4326, EPSG:3857 and EPSG:4513–4554"
            )),
        }
    }

    pub fn uri(self) -> String {
        match self.epsg {
            None => CRS84_URI.to_owned(),
            Some(c) => format!("{EPSG_PREFIX}{c}"),
        }
    }

    /// The PostGIS SRID of the coordinates (CRS84 is EPSG:4326 with x = longitude).
    pub fn srid(self) -> i32 {
        i32::from(self.epsg.unwrap_or(4326))
    }

    /// Whether the CRS's first axis is northing/latitude, so that coordinates are swapped
    /// against PostGIS's x/y: geographic EPSG CRSs (lat, lon) and the Gauss-Krüger zones
    /// (X northing, Y easting).
    pub fn northing_first(self) -> bool {
        matches!(self.epsg, Some(4490 | 4326 | 4513..=4554))
    }

    pub fn geographic(self) -> bool {
        matches!(self.epsg, None | Some(4490 | 4326))
    }

    /// Decimal places worth writing: about 1 cm.
    pub fn decimals(self) -> i32 {
        if self.geographic() { 7 } else { 2 }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.epsg {
            None => f.write_str("CRS84"),
            Some(c) => write!(f, "EPSG:{c}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_uris_and_curies() {
        assert_eq!(Crs::parse(CRS84_URI), Ok(CRS84));
        assert_eq!(Crs::parse("http://www.opengis.net/def/crs/EPSG/0/4490"), Ok(CGCS2000));
        assert_eq!(Crs::parse("[EPSG:4526]").unwrap().srid(), 4526);
        assert!(Crs::parse("EPSG:4512").unwrap_err().contains("not served"));
        assert!(Crs::parse("EPSG:4555").is_err() && Crs::parse("EPSG:abc").is_err() && Crs::parse("4490").is_err());
        assert_eq!(Crs::all().count(), 46);
        for c in Crs::all() {
            assert_eq!(Crs::parse(&c.uri()), Ok(c));
        }
    }

    #[test]
    fn axis_order() {
        assert!(!CRS84.northing_first() && CGCS2000.northing_first());
        assert!(!Crs::parse("EPSG:3857").unwrap().northing_first());
        assert!(Crs::parse("EPSG:4534").unwrap().northing_first());
    }
}
