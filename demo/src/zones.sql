-- Cadastral districts (one per township), sub-districts (one per village or neighbourhood) and
-- the township boundaries, from the staged grid cells clipped to the county.
CREATE TEMP TABLE county_gk ON COMMIT DROP AS
    SELECT ST_Transform(geom, 4526) AS geom FROM admin_areas WHERE level = 'county';

CREATE TEMP TABLE zone_geoms ON COMMIT DROP AS
    SELECT z.settlement,
           ST_Multi(ST_CollectionExtract(ST_Intersection(ST_Union(z.geom), (SELECT geom FROM county_gk)), 3)) AS geom
    FROM zone_cells z GROUP BY z.settlement;

INSERT INTO cadastral_districts (code, name, geom)
SELECT n.district_code, n.district_name || '地籍区',
       ST_Multi(ST_Transform(ST_CollectionExtract(ST_Union(g.geom), 3), 4490))
FROM zone_names n JOIN zone_geoms g USING (settlement)
GROUP BY n.district_code, n.district_name;

INSERT INTO cadastral_subdistricts (code, name, geom)
SELECT n.code, n.name, ST_Transform(g.geom, 4490)
FROM zone_names n JOIN zone_geoms g USING (settlement);

-- Township boundaries are synthetic: they follow the generated cadastral districts.
INSERT INTO admin_areas (code, name, level, parent_code, synthetic, geom)
SELECT d.code, n.district_name, 'town', left(d.code, 6), true, d.geom
FROM cadastral_districts d
JOIN (SELECT DISTINCT district_code, district_name FROM zone_names) n ON n.district_code = d.code;
