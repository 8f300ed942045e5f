//! Web Mercator (EPSG:3857) tiles in the XYZ scheme: tile z/x/y ↔ longitude/latitude.

/// Half the width of the Web Mercator square in metres.
pub const HALF_WORLD: f64 = 20_037_508.342_789_244;

/// A tile's extent in longitude/latitude: `[west, south, east, north]`.
pub fn lonlat_bounds(z: u8, x: u32, y: u32) -> [f64; 4] {
    buffered_lonlat_bounds(z, x, y, 0.0)
}

/// A tile's extent widened by `buffer` tile widths on every side (64/4096 for features clipped
/// with a 64-unit buffer in a 4096-unit tile).
pub fn buffered_lonlat_bounds(z: u8, x: u32, y: u32, buffer: f64) -> [f64; 4] {
    let n = f64::from(1u32 << z);
    let lon = |x: f64| x / n * 360.0 - 180.0;
    let lat = |y: f64| (std::f64::consts::PI * (1.0 - 2.0 * y / n)).sinh().atan().to_degrees();
    let (x, y) = (f64::from(x), f64::from(y));
    [lon(x - buffer), lat(y + 1.0 + buffer), lon(x + 1.0 + buffer), lat(y - buffer)]
}

/// Whether two `[west, south, east, north]` boxes touch.
pub fn intersects(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_of_known_tiles() {
        assert_eq!(lonlat_bounds(0, 0, 0)[0], -180.0);
        assert!((lonlat_bounds(0, 0, 0)[3] - 85.051_128_779_806_59).abs() < 1e-9);
        let b = lonlat_bounds(1, 1, 0);
        assert_eq!((b[0], b[1], b[2]), (0.0, 0.0, 180.0));
        // 温县: 113.08°E lies in column 13338 at z14 (113.08 + 180) / 360 × 2^14 = 13338.3.
        let b = lonlat_bounds(14, 13338, 6492);
        assert!(b[0] <= 113.08 && 113.08 <= b[2], "{b:?}");
        let wide = buffered_lonlat_bounds(14, 13338, 6492, 64.0 / 4096.0);
        assert!(wide[0] < b[0] && wide[1] < b[1] && wide[2] > b[2] && wide[3] > b[3]);
        assert!(intersects(b, wide) && !intersects(b, [0.0, 0.0, 1.0, 1.0]));
    }
}
