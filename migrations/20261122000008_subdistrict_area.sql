-- The area of each 地籍子区 on the spheroid, kept by PostgreSQL, so low-zoom tiles can give
-- parcel density without computing 900 geodesic areas per tile (41 ms → 3 ms at z8).
ALTER TABLE cadastral_subdistricts ADD COLUMN area_km2 double precision
    GENERATED ALWAYS AS (ST_Area(geom::geography) / 1e6) STORED;
