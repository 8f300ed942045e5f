//! 坐标系判定: which CRS an upload's coordinates are in — declared, from the file, or
//! recognised from the coordinates themselves (Gauss-Krüger eastings carry their zone) — and
//! whether northing and easting were swapped.

/// A CRS onemap accepts for uploads: CGCS2000 / WGS 84 geographic and the CGCS2000
/// Gauss-Krüger zones.
pub fn supported(srid: i32) -> bool {
    matches!(srid, 4490 | 4326 | 4491..=4554)
}

/// Parses a declared CRS: `EPSG:4526`, `4526`, `http://www.opengis.net/def/crs/EPSG/0/4526`,
/// `urn:ogc:def:crs:EPSG::4526`, `CRS84`.
pub fn parse(s: &str) -> Option<i32> {
    let s = s.trim();
    let upper = s.to_ascii_uppercase();
    if upper == "CRS84" || upper.ends_with("/OGC/1.3/CRS84") || upper == "OGC:CRS84" {
        return Some(4326);
    }
    let digits = upper
        .strip_prefix("EPSG:")
        .or_else(|| upper.rsplit_once("/EPSG/0/").map(|(_, c)| c))
        .or_else(|| upper.strip_prefix("URN:OGC:DEF:CRS:EPSG::"))
        .unwrap_or(&upper);
    digits.parse::<i32>().ok().filter(|c| *c > 0)
}

/// The EPSG code of a CGCS2000 Gauss-Krüger CRS named the way ArcGIS and Chinese desktop
/// tools write `.prj` files (`CGCS2000_3_Degree_GK_Zone_38`, `CGCS2000_3_Degree_GK_CM_114E`,
/// `CGCS2000_GK_Zone_19`, `CGCS2000_GK_CM_111E`), when PROJ cannot identify it.
pub fn from_name(name: &str) -> Option<i32> {
    let n = name.to_ascii_uppercase().replace([' ', '-', '/'], "_");
    if !n.contains("CGCS") || !n.contains("GK") {
        return None;
    }
    let number_after = |tag: &str| -> Option<i32> {
        let rest = &n[n.find(tag)? + tag.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    };
    let three = n.contains("3_DEGREE");
    if let Some(zone) = number_after("ZONE_") {
        return if three { zone_srid3(zone, true) } else { zone_srid6(zone, true) };
    }
    let cm = number_after("CM_")?;
    if three { (cm % 3 == 0).then(|| zone_srid3(cm / 3, false)).flatten() } else { zone_srid6((cm + 3) / 6, false) }
}

/// EPSG code of a 3° zone (25–45), with or without the zone number in the false easting.
pub fn zone_srid3(zone: i32, prefixed: bool) -> Option<i32> {
    (25..=45).contains(&zone).then(|| if prefixed { 4513 + zone - 25 } else { 4534 + zone - 25 })
}

/// EPSG code of a 6° zone (13–23).
pub fn zone_srid6(zone: i32, prefixed: bool) -> Option<i32> {
    (13..=23).contains(&zone).then(|| if prefixed { 4491 + zone - 13 } else { 4502 + zone - 13 })
}

/// The unprefixed twin of a prefixed 3° zone CRS (4513–4533 → 4534–4554) and the reverse.
pub fn twin(srid: i32) -> Option<i32> {
    match srid {
        4513..=4533 => Some(srid + 21),
        4534..=4554 => Some(srid - 21),
        _ => None,
    }
}

/// Whether a CRS is projected (metres), i.e. a Gauss-Krüger zone.
pub fn projected(srid: i32) -> bool {
    (4491..=4554).contains(&srid)
}

/// A bounding box: min x, min y, max x, max y, as the file's coordinates are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

/// What the coordinates say about their CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub srid: i32,
    /// Northing in x, easting in y.
    pub swapped: bool,
    /// What was assumed, Chinese then English.
    pub note: String,
}

/// Northings of mainland China in Gauss-Krüger metres.
fn northing(v: f64) -> bool {
    (1_500_000.0..=6_000_000.0).contains(&v)
}

/// Recognises the CRS of coordinates from their range. `county_srid` is the county's
/// prefixed 3° zone (EPSG:4513–4533), used for eastings without a zone number.
pub fn guess(e: Extent, county_srid: i32) -> Option<Guess> {
    if e.min_x >= -180.0 && e.max_x <= 180.0 && e.min_y >= -90.0 && e.max_y <= 90.0 {
        return Some(Guess {
            srid: 4490,
            swapped: false,
            note: "坐标为经纬度,按 CGCS2000 地理坐标 (EPSG:4490) 读取 / longitude and latitude: read as CGCS2000 geographic (EPSG:4490)".into(),
        });
    }
    let easting = |min: f64, max: f64, swapped: bool| -> Option<Guess> {
        let axes = if swapped {
            "X、Y 坐标互换(X 为北坐标),已交换 / northing and easting were swapped (x holds the northing): swapped back; "
        } else {
            ""
        };
        if min >= 10_000_000.0 && (min / 1e6).floor() == (max / 1e6).floor() {
            let zone = (min / 1e6).floor() as i32;
            let srid = zone_srid3(zone, true).or_else(|| zone_srid6(zone, true))?;
            let band = if srid <= 4512 { "6°" } else { "3°" };
            return Some(Guess {
                srid,
                swapped,
                note: format!(
                    "{axes}东坐标带号 {zone},按 CGCS2000 {band} 带 (EPSG:{srid}) 读取 / eastings carry zone {zone}: read as CGCS2000 {band} zone {zone} (EPSG:{srid})"
                ),
            });
        }
        if min >= 200_000.0 && max <= 800_000.0 {
            let srid = twin(county_srid)?;
            return Some(Guess {
                srid,
                swapped,
                note: format!(
                    "{axes}东坐标无带号,按本县所在 3° 带 (EPSG:{srid}) 读取 / eastings without a zone number: read in the county's 3° zone (EPSG:{srid})"
                ),
            });
        }
        None
    };
    if northing(e.min_y)
        && northing(e.max_y)
        && let Some(g) = easting(e.min_x, e.max_x, false)
    {
        return Some(g);
    }
    if northing(e.min_x) && northing(e.max_x) {
        return easting(e.min_y, e.max_y, true);
    }
    None
}

/// Whether coordinates declared (or recorded) in a projected CRS are actually swapped.
pub fn swapped(e: Extent, srid: i32) -> bool {
    projected(srid) && northing(e.min_x) && northing(e.max_x) && !(northing(e.min_y) && northing(e.max_y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_declared_codes() {
        assert_eq!(parse("EPSG:4526"), Some(4526));
        assert_eq!(parse("4547"), Some(4547));
        assert_eq!(parse("http://www.opengis.net/def/crs/EPSG/0/4490"), Some(4490));
        assert_eq!(parse("urn:ogc:def:crs:EPSG::4513"), Some(4513));
        assert_eq!(parse("CRS84"), Some(4326));
        assert_eq!(parse("zone 38"), None);
    }

    #[test]
    fn names_of_prj_files() {
        assert_eq!(from_name("CGCS2000_3_Degree_GK_Zone_38"), Some(4526));
        assert_eq!(from_name("CGCS2000_3_Degree_GK_CM_114E"), Some(4547));
        assert_eq!(from_name("CGCS2000_GK_Zone_19"), Some(4497));
        assert_eq!(from_name("CGCS2000_GK_CM_111E"), Some(4508));
        assert_eq!(from_name("WGS_1984_UTM_Zone_50N"), None);
    }

    #[test]
    fn recognises_coordinates() {
        // 温县: zone 38, easting ~38 450 000, northing ~3 870 000.
        let prefixed = Extent { min_x: 38_440_000.0, min_y: 3_860_000.0, max_x: 38_470_000.0, max_y: 3_880_000.0 };
        assert_eq!(guess(prefixed, 4526).map(|g| (g.srid, g.swapped)), Some((4526, false)));
        let plain = Extent { min_x: 440_000.0, min_y: 3_860_000.0, max_x: 470_000.0, max_y: 3_880_000.0 };
        assert_eq!(guess(plain, 4526).map(|g| (g.srid, g.swapped)), Some((4547, false)));
        let flipped = Extent { min_x: 3_860_000.0, min_y: 38_440_000.0, max_x: 3_880_000.0, max_y: 38_470_000.0 };
        assert_eq!(guess(flipped, 4526).map(|g| (g.srid, g.swapped)), Some((4526, true)));
        let lonlat = Extent { min_x: 112.9, min_y: 34.8, max_x: 113.2, max_y: 35.0 };
        assert_eq!(guess(lonlat, 4526).map(|g| g.srid), Some(4490));
        assert!(swapped(flipped, 4526));
        assert!(!swapped(prefixed, 4526));
        assert_eq!(guess(Extent { min_x: 1.0e9, min_y: 0.0, max_x: 2.0e9, max_y: 1.0 }, 4526), None);
    }
}
