-- Project $1 locked for a write: every write of a project or its funds takes this lock first.
SELECT id, code, name, stage, version FROM relocation_projects WHERE code = $1 FOR UPDATE
