INSERT INTO photos (compensation_unit_id, project_id, photo_no, taken_at, geom, direction_deg, taken_by,
                    file_path, sha256, size_bytes, mime_type, width, height, thumbnail_path, link_method,
                    distance_m, unmatched_reason, kind, orientation, original_name, uploaded_by, warnings)
VALUES ($1, $2, $3, $4, CASE WHEN $5::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_Point($5, $6), 4490) END,
        $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $8, $22)
