//! 标准字段名: with `naming = "standard"` an export's fields carry the registration database
//! standard's names (domain.md §2) where the standard has one; onemap's own name otherwise
//! (relocation data and photos have no table in the standard). The only place these names
//! appear on the way out, as `survey::mapping` is on the way in.

/// (collection, onemap name) → the standard's name.
static STANDARD: &[(&str, &str, &str)] = &[
    ("parcels", "unit_code", "BDCDYH"),
    ("parcels", "parcel_code", "ZDDM"),
    ("parcels", "subdistrict_code", "DJZQDM"),
    ("parcels", "address", "ZL"),
    ("parcels", "land_use", "YT"),
    ("parcels", "right_type", "QLLX"),
    ("parcels", "right_nature", "QLXZ"),
    ("parcels", "registered_area_m2", "ZDMJ"),
    ("buildings", "building_no", "ZRZH"),
    ("buildings", "parcel_code", "ZDDM"),
    ("buildings", "name", "JZWMC"),
    ("buildings", "floors", "ZCS"),
    ("buildings", "floors_below", "DXCS"),
    ("buildings", "structure", "FWJG"),
    ("buildings", "planned_use", "GHYT"),
    ("buildings", "completion_year", "JGRQ"),
    ("buildings", "footprint_area_m2", "ZZDMJ"),
    ("house_units", "unit_code", "BDCDYH"),
    ("house_units", "building_no", "ZRZH"),
    ("house_units", "house_code", "FWBM"),
    ("house_units", "floor", "CH"),
    ("house_units", "unit_no", "HH"),
    ("house_units", "room_label", "SHBW"),
    ("house_units", "use", "FWYT1"),
    ("house_units", "floor_area_m2", "SCJZMJ"),
    ("house_units", "inner_area_m2", "SCTNJZMJ"),
    ("house_units", "shared_area_m2", "SCFTJZMJ"),
    ("compensation_units", "unit_code", "BDCDYH"),
    ("compensation_units", "address", "ZL"),
    ("compensation_units", "owner_name", "QLRMC"),
    ("compensation_units", "owner_id_number", "ZJH"),
];

/// The name field `name` of `collection` gets.
pub fn field_name(collection: &str, name: &'static str, standard: bool) -> &'static str {
    if !standard {
        return name;
    }
    STANDARD.iter().find(|(c, n, _)| *c == collection && *n == name).map_or(name, |(_, _, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names_where_the_standard_has_them() {
        assert_eq!(field_name("parcels", "parcel_code", true), "ZDDM");
        assert_eq!(field_name("parcels", "parcel_code", false), "parcel_code");
        assert_eq!(field_name("house_units", "floor_area_m2", true), "SCJZMJ");
        assert_eq!(field_name("photos", "photo_no", true), "photo_no");
        // Shapefile field names are at most 10 characters: every standard name fits.
        assert!(STANDARD.iter().all(|(_, _, s)| s.len() <= 10));
    }
}
