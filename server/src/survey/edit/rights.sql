-- Current rights registered on a unit or below it ($1: a parcel, building or unit code prefix).
SELECT count(*) FROM rights WHERE status = 'current' AND unit_code LIKE $1 || '%'
