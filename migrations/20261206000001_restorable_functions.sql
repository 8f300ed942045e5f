-- pg_restore loads rows with an empty search_path: the check constraints' functions must name
-- the functions they call with their schema (found by the restore drill of `onemap backup`).
CREATE OR REPLACE FUNCTION is_building_number(c text) RETURNS boolean IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    SELECT length(c) = 24 AND public.is_parcel_code(left(c, 19))
       AND substr(c, 20, 1) = 'F' AND substr(c, 21, 4) ~ '^[0-9]{4}$' AND substr(c, 21, 4) <> '0000'
$$;

CREATE OR REPLACE FUNCTION is_unit_code(c text) RETURNS boolean IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    SELECT length(c) = 28 AND public.is_parcel_code(left(c, 19)) AND CASE substr(c, 20, 1)
        WHEN 'W' THEN right(c, 8) = '00000000'
        WHEN 'F' THEN right(c, 8) ~ '^[0-9]{8}$' AND substr(c, 21, 4) <> '0000' AND right(c, 4) <> '0000'
        WHEN 'L' THEN right(c, 8) ~ '^[0-9]{8}$' AND right(c, 8) <> '00000000'
        WHEN 'Q' THEN right(c, 8) ~ '^[0-9]{8}$' AND right(c, 8) <> '00000000'
        ELSE false END
$$;
