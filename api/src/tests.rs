//! Each response type reads a sample of what the server sends and writes it back byte for
//! byte: a renamed, missing, reordered or extra field fails here.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::audit::{AuditPage, AuditQuery};
use crate::auth::{DemoUsers, LoginRequest, LoginResponse, Me, Role};
use crate::codes::{Allocation, AllocationKind, AllocationRequest, CodeKind, CodeReport};
use crate::health::{Health, Stats, Version};
use crate::identify::Identified;
use crate::problem::Problem;
use crate::relocation::{Project, ProjectDetail, ProjectUnitPage};
use crate::search::SearchResults;
use crate::units::{BrowseLevel, BrowsePage, UnitRecord};

/// The sample without the whitespace between tokens (the server sends compact JSON).
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// Reads the sample as `T` and writes it back: it must come out unchanged.
#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned>(sample: &str) -> T {
    let sample = compact(sample);
    let value: T = serde_json::from_str(&sample).unwrap_or_else(|e| panic!("{e}\n{sample}"));
    assert_eq!(serde_json::to_string(&value).unwrap(), sample);
    value
}

#[test]
fn health() {
    let h: Health = round_trip(
        r#"{"status":"ok","database":"reachable","postgres_version":"15.14 (Debian 15.14-0+deb12u1)",
            "postgis_version":"3.3.2","schema_version":20261122000009,"uptime_seconds":42,
            "statement_timeouts":{"api":"10s","bulk":"1min"}}"#,
    );
    assert_eq!(h.schema_version, Some(20261122000009));
    assert_eq!(h.statement_timeouts.bulk, "1min");
    round_trip::<Version>(r#"{"name":"onemap","version":"0.1.0","git_commit":null,"schema_version":20261122000009}"#);
    round_trip::<Stats>(
        r#"{"admin_areas":12,"cadastral_districts":11,"cadastral_subdistricts":117,"roads":412,
            "parcels":21840,"buildings":30512,"house_units":41237,"right_holders":25003,"rights":45210,
            "certificates":40125,"projects":2,"appraisal_firms":2,"compensation_units":268,"payments":377,
            "photos":536,"archive_documents":1010}"#,
    );
}

#[test]
fn codes() {
    let r: CodeReport = round_trip(
        r#"{"code":"410825001001GB00001F00010001","valid":true,"kind":"unit","segments":[
            {"name":"county","name_zh":"县级行政区划代码","start":1,"end":6,"value":"410825",
             "meaning_zh":"温县","meaning_en":"county-level division 410825"},
            {"name":"ownership","name_zh":"宗地特征码（所有权）","start":13,"end":13,"value":"G",
             "meaning_zh":"国家土地（海域）所有权","meaning_en":"state-owned land or sea"}],
            "errors":[],"warnings":[{"rule":"county_listed","message":"county 410825 is not in the list"}]}"#,
    );
    assert_eq!(r.kind, Some(CodeKind::Unit));
    round_trip::<CodeReport>(
        r#"{"code":"12","valid":false,"kind":null,"segments":[],
        "errors":[{"rule":"length","message":"a code has 19, 24 or 28 characters, not 2"}],"warnings":[]}"#,
    );
    let req: AllocationRequest = round_trip(r#"{"kind":"parcel","parent":"410825001001","feature":"GB"}"#);
    assert_eq!(req.kind, AllocationKind::Parcel);
    // The feature may be left out; unknown fields are refused, as the server does.
    let req: AllocationRequest =
        serde_json::from_str(r#"{"kind":"unit","parent":"410825001001GB00001F0001"}"#).unwrap();
    assert_eq!(req.feature, None);
    assert!(serde_json::from_str::<AllocationRequest>(r#"{"kind":"unit","parent":"x","extra":1}"#).is_err());
    round_trip::<Allocation>(r#"{"kind":"building","code":"410825001001GB00001F0003","number":3}"#);
}

#[test]
fn browse() {
    let p: BrowsePage = round_trip(
        r#"{"level":"parcel","prefix":"410825001001","items":[
            {"code":"410825001001GB00001","label":"温县温泉街道东街1号","children":2},
            {"code":"410825001001JC00002","label":"温县温泉街道东街3号","children":0}],
            "next_cursor":"410825001001JC00002"}"#,
    );
    assert_eq!(p.level, BrowseLevel::for_prefix_len(p.prefix.len()));
    assert_eq!(BrowseLevel::for_prefix_len(0), BrowseLevel::County);
    assert_eq!(BrowseLevel::for_prefix_len(27).as_str(), "unit");
}

const GEOMETRY: &str = r#"{"crs":{"type":"name","properties":{"name":"EPSG:4490"}},"type":"MultiPolygon",
    "coordinates":[[[[113.0801,34.9412],[113.0803,34.9412],[113.0803,34.9414],[113.0801,34.9412]]]]}"#;

/// A house unit with a compensation unit, as an officer sees it.
fn unit_sample() -> String {
    r#"{"code":"410825001001GB00001F00010001","kind":"unit",
        "parcel":{"id":17,"address":"温县温泉街道东街1号","area_m2":312.45,"geometry":GEOMETRY,"land_use":"0702",
            "unit_code":"410825001001GB00001W00000000","right_type":"homestead_use","parcel_code":"410825001001GB00001",
            "right_nature":"approved","land_use_name":"农村宅基地","registered_area_m2":310.0},
        "building":{"id":21,"floors":2,"geometry":GEOMETRY,"structure":"brick_wood",
            "building_no":"410825001001GB00001F0001","house_units":2,"planned_use":"residential",
            "completion_year":1998,"footprint_area_m2":120.5},
        "house_unit":{"id":33,"use":"residential","floor":1,"unit_no":"0001","geometry":GEOMETRY,
            "unit_code":"410825001001GB00001F00010001","room_label":"1层","floor_area_m2":118.2,
            "inner_area_m2":null,"shared_area_m2":null,"demolished_on":null},
        "rights":[{"kind":"house_ownership","status":"current","business_no":"2019-410825-000123",
            "registered_on":"2019-05-06","starts_on":null,"ends_on":null,"cancelled_on":null,
            "right_nature":"approved","co_ownership":"joint","secured_amount":null,"authority":null,"document_no":null,
            "certificates":[{"kind":"title_certificate","issuer":"温县自然资源局","number":"豫(2019)温县不动产权第0000123号",
                "status":"valid","issued_on":"2019-05-10","identifier":"1.2.156.3005.2.11410825MB1234567X.0000123",
                "cancelled_on":null}],
            "parties":[{"role":"holder","name":"张小三","holder_type":"person","id_type":"resident_id",
                "id_number":"410825199001011234","phone":"13812345678","share":0.5},
                {"role":"holder","name":"李*","holder_type":"person","id_type":"resident_id",
                "id_number":"410825********5678","phone":null,"share":null}]}],
        "compensation":{"project":{"code":"WX-ZS-2023-01","name":"温泉街道东街片区"},"code":"WX-ZS-2023-01-0007",
            "status":"paid","legality":"legal","owner_name":"张小三","owner_id_number":"410825199001011234",
            "owner_phone":"13812345678","registered_area_m2":118.2,"surveyed_area_m2":120.0,
            "appraisal":{"firm":"焦作正信房地产评估有限公司","appraiser":"王估","valuation_date":"2023-06-01",
                "report_no":"JZZX-2023-0107","review":"accepted","appraised_on":"2023-06-20"},
            "compensation_mode":"monetary","resettlement_area_m2":null,
            "amounts":{"business_loss":0.0,"decoration_value":30000.0,"house_value":540000.0,"moving_fee":2400.0,
                "resettlement_value":0.0,"reward":20000.0,"subsidy":5000.0,"temp_resettlement_fee":7200.0,
                "total_amount":604600.0,"unit_price":4500.0},
            "temp_resettlement_months":12,
            "agreement":{"no":"WX-ZS-2023-01-XY-0007","signed_on":"2023-08-02","move_out_deadline":"2023-09-30"},
            "decision":{"no":null,"on":null},
            "payments":[{"voucher_no":"PZ-2023-0107","purpose":"compensation","amount":604600.0,"paid_on":"2023-08-20",
                "payee":"张小三","payee_bank":"中国农业银行温县支行","payee_account":"6228480012345678901"}],
            "timeline":[{"status":"surveyed","on":"2023-04-11"},{"status":"appraised","on":"2023-06-20"},
                {"status":"signed","on":"2023-08-02"},{"status":"paid","on":"2023-08-20"}],
            "photos":[{"lat":34.941312,"lon":113.080214,"url":"/files/photos/WX-ZS-2023-01/0007-1.jpg","caption":"正面",
                "photo_no":"WX-ZS-2023-01-0007-1","taken_at":"2023-04-11T02:15:00Z","taken_by":"王估",
                "mime_type":"image/jpeg","direction_deg":135.5,
                "thumbnail_url":"/files/photos/WX-ZS-2023-01/0007-1.jpg?thumbnail"}],
            "documents":[{"url":"/files/archive/WX-ZS-2023-01/0007-agreement.pdf","date":"2023-08-02",
                "title":"房屋征收补偿协议","category":"agreement","archive_no":"WX-ZS-2023-01-D-0031"}]}}"#
        .replace("GEOMETRY", GEOMETRY)
}

#[test]
fn unit_record() {
    let u: UnitRecord = round_trip(&unit_sample());
    assert_eq!(u.geometry().kind, "MultiPolygon");
    let c = u.compensation.as_ref().unwrap();
    assert_eq!(c.photos[0].taken_at.to_string(), "2023-04-11 02:15:00 UTC");
    // PostgreSQL writes timestamps with an offset; they are read as the same instant.
    let pg = unit_sample().replace("2023-04-11T02:15:00Z", "2023-04-11T10:15:00+08:00");
    let from_pg: UnitRecord = serde_json::from_str(&compact(&pg)).unwrap();
    assert_eq!(from_pg, u);
    // The public: masked names, no amounts, no compensation unit; a parcel alone has no
    // building and no house unit; a geometry in EPSG:4326 has no crs member.
    round_trip::<UnitRecord>(
        r#"{"code":"410825001001GB00001","kind":"parcel",
            "parcel":{"id":17,"address":"东街1号","area_m2":null,"geometry":{"type":"Point","coordinates":[113.08,34.94]},
                "land_use":"0702","unit_code":"410825001001GB00001W00000000","right_type":"homestead_use",
                "parcel_code":"410825001001GB00001","right_nature":"approved","land_use_name":"农村宅基地",
                "registered_area_m2":null},
            "building":null,"house_unit":null,"rights":[],"compensation":null}"#,
    );
    let mut masked = unit_sample().replace(r#""amount":604600.0"#, r#""amount":null"#);
    masked = masked.replace(r#""total_amount":604600.0"#, r#""total_amount":null"#);
    let m: UnitRecord = round_trip(&masked);
    let c = m.compensation.unwrap();
    assert_eq!((c.amounts.total_amount, c.payments[0].amount), (None, None));
}

#[test]
fn identify() {
    let i: Identified = round_trip(
        r#"{"lon":113.0802,"lat":34.9413,"zoom":18.0,"tolerance_m":2.51,
            "parcel":{"address":"温县温泉街道东街1号","unit_code":"410825001001GB00001W00000000",
                "parcel_code":"410825001001GB00001","url":"/api/units/410825001001GB00001"},
            "building":{"floors":2,"building_no":"410825001001GB00001F0001","planned_use":"residential",
                "url":"/api/units/410825001001GB00001F0001"},
            "house_units":[{"floor":1,"unit_code":"410825001001GB00001F00010001","room_label":"1层",
                "floor_area_m2":118.2,"demolished_on":null,"url":"/api/units/410825001001GB00001F00010001"}],
            "compensation_units":[{"code":"WX-ZS-2023-01-0007","status":"paid","unit_code":"410825001001GB00001F00010001",
                "project_code":"WX-ZS-2023-01","url":"/api/units/410825001001GB00001F00010001"},
                {"code":"WX-ZS-2023-01-0008","status":"surveyed","unit_code":null,"project_code":"WX-ZS-2023-01"}],
            "project":{"code":"WX-ZS-2023-01","name":"温泉街道东街片区","stage":"payment"}}"#,
    );
    assert_eq!(i.compensation_units[1].url, None);
    round_trip::<Identified>(
        r#"{"lon":113.0,"lat":35.0,"zoom":12.5,"tolerance_m":250.0,"parcel":null,"building":null,
            "house_units":[],"compensation_units":[],"project":null}"#,
    );
}

#[test]
fn search() {
    round_trip::<SearchResults>(
        r#"{"q":"张小","hits":[{"kind":"holder","title":"张小三","subtitle":"house_ownership",
            "unit_code":"410825001001GB00001F00010001","url":"/api/units/410825001001GB00001F00010001","score":0.6},
            {"kind":"address","title":"温县张小庄村1号","subtitle":"410825003002JC00011",
            "unit_code":"410825003002JC00011W00000000","url":"/api/units/410825003002JC00011W00000000","score":0.433}]}"#,
    );
}

#[test]
fn auth() {
    round_trip::<LoginRequest>(r#"{"username":"officer","password":"Demo#2026"}"#);
    let r: LoginResponse = round_trip(
        r#"{"token":"om_0123abcd","csrf_token":"csrf_4567ef","expires_at":"2026-11-28T18:20:00.123456Z",
            "user":{"actor":"user:officer","username":"officer","display_name":"征收中心 刘明","role":"officer",
            "appraisal_firm_id":null,"projects":null,"csrf_token":"csrf_4567ef"}}"#,
    );
    assert_eq!(r.user.role, Role::Officer);
    let me: Me = round_trip(
        r#"{"actor":"anonymous","username":null,"display_name":null,"role":"public","appraisal_firm_id":null,
            "projects":[],"csrf_token":null}"#,
    );
    assert_eq!(me.projects, Some(vec![]));
    round_trip::<Me>(
        r#"{"actor":"user:appraiser1","username":"appraiser1","display_name":"评估师 王估","role":"appraiser",
            "appraisal_firm_id":1,"projects":[1],"csrf_token":"csrf_89"}"#,
    );
    round_trip::<DemoUsers>(
        r#"{"password":"Demo#2026","users":[{"username":"admin","display_name":"系统管理员","role":"admin"},
            {"username":"appraiser1","display_name":"评估师 王估","role":"appraiser"}]}"#,
    );
    round_trip::<DemoUsers>(r#"{"password":null,"users":[]}"#);
}

#[test]
fn roles() {
    for r in Role::ALL {
        assert_eq!(Role::parse(r.as_str()), Some(r));
        assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
    }
    assert_eq!(Role::parse("Officer"), Some(Role::Officer));
    assert_eq!(Role::parse("root"), None);
    #[cfg(feature = "clap")]
    for r in Role::ALL {
        assert_eq!(<Role as clap::ValueEnum>::from_str(r.as_str(), true), Ok(r));
    }
}

const PROJECT: &str = r#""id":1,"code":"WX-ZS-2023-01","name":"温泉街道东街片区","stage":"payment",
    "implementing_agency":"温县房屋征收服务中心","appraisal_firm":"焦作正信房地产评估有限公司","approved_on":"2023-02-15",
    "decision_no":"温政征决〔2023〕1号","decision_announced_on":"2023-05-20","signing_starts_on":"2023-07-01",
    "signing_ends_on":"2023-09-30","bbox":[113.0712,34.9355,113.0891,34.9478],
    "counts":{"units":120,"surveyed":5,"appraised":10,"signed":20,"paid":60,"demolished":25,"signed_percent":87.5},
    "budget":80000000.0,"agreed_total":64230112.5,"paid_total":60110000.0"#;

#[test]
fn projects() {
    let list: Vec<Project> = round_trip(&format!("[{{{PROJECT}}}]"));
    assert_eq!(list[0].counts.of("paid"), Some(60));
    // The public and other firms' appraisers see no amounts.
    let masked = PROJECT
        .replace(r#""budget":80000000.0"#, r#""budget":null"#)
        .replace(r#""agreed_total":64230112.5"#, r#""agreed_total":null"#)
        .replace(r#""paid_total":60110000.0"#, r#""paid_total":null"#);
    round_trip::<Vec<Project>>(&format!("[{{{masked}}}]"));
    let d: ProjectDetail = round_trip(&format!(
        r#"{{{PROJECT},"stages":[{{"stage":"setup","happened_on":"2023-01-10","note":null}},
            {{"stage":"decision","happened_on":"2023-05-20","note":"温政征决〔2023〕1号"}}]}}"#
    ));
    assert_eq!(d.stages.len(), 2);
    round_trip::<ProjectUnitPage>(
        r#"{"units":[{"id":7,"code":"WX-ZS-2023-01-0007","unit_code":"410825001001GB00001F00010001",
            "address":"温县温泉街道东街1号","status":"paid","legality":"legal","owner_name":"张*三",
            "owner_id_number":"410825********1234","owner_phone":"138****5678","surveyed_area_m2":120.0,
            "compensation_mode":"monetary","total_amount":604600.0,"paid_amount":604600.0,
            "agreement_no":"WX-ZS-2023-01-XY-0007","agreement_signed_on":"2023-08-02","demolished_on":null,
            "payee_account":"6228***********8901"},
            {"id":8,"code":"WX-ZS-2023-01-0008","unit_code":null,"address":"温县温泉街道东街3号","status":"surveyed",
            "legality":"temporary","owner_name":null,"owner_id_number":null,"owner_phone":null,"surveyed_area_m2":35.5,
            "compensation_mode":null,"total_amount":null,"paid_amount":null,"agreement_no":null,
            "agreement_signed_on":null,"demolished_on":null,"payee_account":null}],"next_cursor":8}"#,
    );
}

#[test]
fn audit() {
    let p: AuditPage = round_trip(
        r#"{"entries":[{"id":42,"at":"2026-11-28T10:20:00.123456Z","actor":"user:surveyor","role":"surveyor",
            "action":"code_allocate","target":"410825001001GB00001F0003","outcome":"success","request_id":"r-17",
            "client_addr":"127.0.0.1","before":null,"after":{"kind":"building","number":3,"parent":"410825001001GB00001"},
            "details":null,"hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],"next_cursor":null}"#,
    );
    assert_eq!(p.entries[0].after.as_ref().unwrap()["number"], 3);
    let q: AuditQuery = serde_json::from_str(r#"{"actor":"user:officer","from":"2026-11-01T00:00:00Z"}"#).unwrap();
    assert_eq!(q.from.unwrap().to_string(), "2026-11-01 00:00:00 UTC");
}

#[test]
fn problem() {
    let p: Problem = round_trip(
        r#"{"type":"https://onemap.dev/problems/not_found","title":"Not Found","status":404,"code":"not_found",
            "detail":"no unit 410825001001GB00001F00019999"}"#,
    );
    assert_eq!(p.kind, Problem::type_uri(&p.code));
    assert!(p.issues.is_empty());
    // A refusal of the rules lists every broken rule.
    let p: Problem = round_trip(
        r#"{"type":"https://onemap.dev/problems/preconditions_unmet","title":"Conflict","status":409,
            "code":"preconditions_unmet","detail":"units_unsettled: not met: every unit has an agreement",
            "issues":[{"code":"units_unsettled","message":"未满足：每户已签订补偿协议或作出补偿决定",
            "message_en":"not met: every unit has an agreement"}]}"#,
    );
    assert_eq!(p.issues[0].code, "units_unsettled");
}

#[test]
fn layers_and_statuses() {
    // The source layers of the tiles (server/src/tiles/layers.rs), in drawing order.
    let ids: Vec<&str> = crate::LAYERS.iter().map(|l| l.id).collect();
    assert_eq!(
        ids,
        [
            "county",
            "towns",
            "districts",
            "parcels",
            "buildings",
            "house_units",
            "projects",
            "compensation_units",
            "photos"
        ]
    );
    let relocation: Vec<&str> = crate::LAYERS.iter().filter(|l| l.relocation).map(|l| l.id).collect();
    assert_eq!(relocation, ["projects", "compensation_units", "photos"]);
    assert_eq!(crate::layers::layer("parcels").map(|l| l.name_zh), Some("宗地"));
    let statuses: Vec<&str> = crate::STATUSES.iter().map(|s| s.id).collect();
    assert_eq!(statuses, ["surveyed", "appraised", "signed", "paid", "demolished"]);
    assert_eq!(crate::relocation::status("signed").map(|s| s.name_zh), Some("已签约"));
}

/// Every type has an OpenAPI schema and every query type its parameters.
#[cfg(feature = "openapi")]
#[test]
fn openapi_schemas() {
    use utoipa::OpenApi;

    #[derive(OpenApi)]
    #[openapi(components(schemas(
        Health,
        Version,
        Stats,
        CodeReport,
        AllocationRequest,
        Allocation,
        BrowsePage,
        UnitRecord,
        Identified,
        SearchResults,
        LoginRequest,
        LoginResponse,
        Me,
        DemoUsers,
        Project,
        ProjectDetail,
        ProjectUnitPage,
        AuditPage,
        Problem,
        Role
    )))]
    struct Doc;

    let doc = Doc::openapi().to_json().unwrap();
    for name in ["UnitRecord", "Compensation", "Amounts", "Photo", "ProjectDetail", "AuditEntry", "Role", "Geometry"] {
        assert!(doc.contains(&format!("\"{name}\"")), "{name} missing");
    }
    let params = <AuditQuery as utoipa::IntoParams>::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query));
    assert_eq!(params.len(), 7);
    assert_eq!(<crate::search::SearchQuery as utoipa::IntoParams>::into_params(|| None).len(), 2);
}
