//! 高斯-克吕格投影: CGCS2000 longitude/latitude → 3° zone Gauss-Krüger X (northing) / Y
//! (easting), as EPSG:4513–4554 define them, for the cursor read-out and for measuring in
//! metres. Transverse Mercator series (Snyder, Map Projections — A Working Manual, 8-9/8-10),
//! sub-millimetre within a zone.

/// CGCS2000 ellipsoid.
const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_222_101;

/// A 3° Gauss-Krüger zone of CGCS2000, by its EPSG code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zone {
    pub epsg: u16,
    central_meridian: f64,
    false_easting: f64,
}

impl Zone {
    /// EPSG:4513–4533 (zones 25–45, zone number before the easting) and EPSG:4534–4554
    /// (central meridians 75°–135°, no zone number).
    pub fn from_epsg(epsg: u16) -> Option<Zone> {
        match epsg {
            4513..=4533 => {
                let zone = f64::from(epsg - 4513 + 25);
                Some(Zone { epsg, central_meridian: 3.0 * zone, false_easting: zone * 1e6 + 500_000.0 })
            }
            4534..=4554 => {
                Some(Zone { epsg, central_meridian: 75.0 + 3.0 * f64::from(epsg - 4534), false_easting: 500_000.0 })
            }
            _ => None,
        }
    }

    /// (X northing, Y easting) in metres.
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let e2 = F * (2.0 - F);
        let (e4, e6) = (e2 * e2, e2 * e2 * e2);
        let ep2 = e2 / (1.0 - e2);
        let phi = lat.to_radians();
        let (s, c) = phi.sin_cos();
        let n = A / (1.0 - e2 * s * s).sqrt();
        let t = phi.tan().powi(2);
        let cc = ep2 * c * c;
        let a = (lon - self.central_meridian).to_radians() * c;
        let m = A
            * ((1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi
                - (3.0 * e2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * (2.0 * phi).sin()
                + (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * (4.0 * phi).sin()
                - (35.0 * e6 / 3072.0) * (6.0 * phi).sin());
        let easting = n
            * (a + (1.0 - t + cc) * a.powi(3) / 6.0
                + (5.0 - 18.0 * t + t * t + 72.0 * cc - 58.0 * ep2) * a.powi(5) / 120.0)
            + self.false_easting;
        let northing = m + n
            * phi.tan()
            * (a * a / 2.0
                + (5.0 - t + 9.0 * cc + 4.0 * cc * cc) * a.powi(4) / 24.0
                + (61.0 - 58.0 * t + t * t + 600.0 * cc - 330.0 * ep2) * a.powi(6) / 720.0);
        (northing, easting)
    }
}

/// Length in metres of a line of lon/lat points, measured in the zone's plane.
pub fn length(zone: &Zone, points: &[(f64, f64)]) -> f64 {
    let p: Vec<(f64, f64)> = points.iter().map(|&(lon, lat)| zone.forward(lon, lat)).collect();
    p.windows(2).map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt()).sum()
}

/// Area in square metres of a ring of lon/lat points (closed or not), in the zone's plane.
pub fn area(zone: &Zone, points: &[(f64, f64)]) -> f64 {
    let p: Vec<(f64, f64)> = points.iter().map(|&(lon, lat)| zone.forward(lon, lat)).collect();
    if p.len() < 3 {
        return 0.0;
    }
    let twice: f64 = (0..p.len())
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % p.len()]);
            a.1 * b.0 - b.1 * a.0
        })
        .sum();
    twice.abs() / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_proj() {
        // PostGIS/PROJ: ST_Transform(ST_SetSRID(ST_Point(113.0481526, 34.9467944), 4490), 4526)
        // → x 38413050.0, y 3869104.0 (the demo's first parcel corner, surveyed in zone 38).
        let z = Zone::from_epsg(4526).unwrap();
        let (n, e) = z.forward(113.0481526, 34.9467944);
        assert!((n - 3_869_104.0).abs() < 0.05 && (e - 38_413_050.0).abs() < 0.05, "{n} {e}");
        // On the central meridian the easting is the false easting.
        let (_, e) = z.forward(114.0, 30.0);
        assert!((e - 38_500_000.0).abs() < 1e-6);
        assert_eq!(Zone::from_epsg(4534).unwrap().forward(75.0, 0.0), (0.0, 500_000.0));
        assert!(Zone::from_epsg(4490).is_none());
        // A 100 m square.
        let (lon, lat): (f64, f64) = (113.05, 34.95);
        let dlat = 100.0 / 110_940.0;
        let dlon = 100.0 / (111_320.0 * lat.to_radians().cos());
        let sq = [(lon, lat), (lon + dlon, lat), (lon + dlon, lat + dlat), (lon, lat + dlat)];
        assert!((area(&z, &sq) - 10_000.0).abs() < 60.0, "{}", area(&z, &sq));
        assert!((length(&z, &sq[..2]) - 100.0).abs() < 0.5);
    }
}
