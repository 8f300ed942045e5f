-- 100,000 archive documents for `make bench-photos` (the search half), in project
-- BENCH-ZS-20K (bench/relocation_fixture.sql), written once. Titles combine a document kind,
-- an owner's name and a place from small vocabularies; the text repeats them with boilerplate.
-- Their search vectors are made here as onemap-intake makes them for Chinese text: every CJK
-- character and every overlapping pair (titles weighted A, text B), plus the archive number's
-- Latin and digit words.
CREATE FUNCTION pg_temp.grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $f$
    WITH runs AS (SELECT run FROM regexp_split_to_table(regexp_replace(t, '[^一-龥]+', ' ', 'g'), ' ') run WHERE run <> '')
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(run, i, 1) AS g FROM runs, generate_series(1, length(run)) i
        UNION ALL
        SELECT substr(run, i, 2) FROM runs, generate_series(1, length(run) - 1) i
    ) x
$f$;
DO $$
BEGIN
    IF (SELECT count(*) FROM archive_documents d JOIN relocation_projects r ON r.id = d.project_id
        WHERE r.code = 'BENCH-ZS-20K') >= 100000 THEN
        RETURN;
    END IF;
    CREATE TEMP TABLE vocab_kind(i int, kind text, cat text, code text) ON COMMIT DROP;
    INSERT INTO vocab_kind VALUES (0, '分户评估报告', 'appraisal_report', 'PG'), (1, '房屋征收补偿协议', 'agreement', 'XY'),
        (2, '补偿款支付凭证', 'payment', 'ZF'), (3, '房屋征收补偿决定', 'decision', 'JD'), (4, '入户调查登记表', 'other', 'QT'),
        (5, '产权调换安置确认书', 'other', 'QT'), (6, '搬迁腾空验收单', 'other', 'QT'), (7, '房屋拆除验收记录', 'other', 'QT');
    CREATE TEMP TABLE docs ON COMMIT DROP AS
    SELECT n, k.cat, k.code,
           k.kind || '（' || (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','胡','朱','高','林','何','郭','马','罗'])[1 + n % 20]
               || (ARRAY['建国','秀英','春华','志强','桂兰','海燕','国庆','丽娟','文博','晓明','玉兰','德胜','红梅','永安','淑珍'])[1 + (n / 20) % 15]
               || '）' AS title,
           (ARRAY['城关镇','祥云镇','番田镇','黄庄镇','武德镇','赵堡镇','北冷乡','南张羌镇','岳村乡','招贤乡'])[1 + (n / 300) % 10]
               || (1 + n % 97) || '号房屋' AS place
    FROM generate_series(1, 100000) n JOIN vocab_kind k ON k.i = n % 8;
    INSERT INTO archive_documents (archive_no, project_id, category, title, document_date, file_path, sha256, size_bytes,
                                   mime_type, content_text, search)
    SELECT 'BENCH-ZS-20K-' || code || '-' || lpad(n::text, 6, '0'), (SELECT id FROM relocation_projects WHERE code = 'BENCH-ZS-20K'),
           cat, title, current_date - (n % 700), 'bench/' || n || '.pdf', lpad(to_hex(n), 64, '0'), 1000, 'application/pdf',
           title || '。坐落：' || place || '。经现场核实，被征收房屋情况属实，依据《国有土地上房屋征收与补偿条例》办理。',
           setweight(array_to_tsvector(pg_temp.grams(title) || ARRAY['bench', 'zs', '20k', lower(code), lpad(n::text, 6, '0')]), 'A')
           || setweight(array_to_tsvector(pg_temp.grams(title || place || '经现场核实被征收房屋情况属实依据国有土地上房屋征收与补偿条例办理')), 'B')
    FROM docs;
END $$;
