-- A land unit's compensation unit is found by its parcel (the unit record, `unit.sql`); without
-- this index that lookup read every compensation unit.
CREATE INDEX compensation_units_parcel_idx ON compensation_units (parcel_id) WHERE house_unit_id IS NULL;
