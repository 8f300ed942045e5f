//! The server's API, typed: every answer is read into the shared `onemap-api` types; a problem
//! body's `detail` becomes the error shown to the user. Answers are parsed by the browser
//! (`Response.json()`) and read with serde-wasm-bindgen, which keeps the wasm ~70 kB smaller
//! than parsing the text with serde_json.

use onemap_api::Problem;
use onemap_api::auth::{LoginRequest, LoginResponse};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Sends a request and reads its JSON answer as `T`.
async fn fetch<T: DeserializeOwned>(path: &str, init: Option<&web_sys::RequestInit>) -> Result<T, String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = match init {
        Some(init) => window.fetch_with_str_and_init(path, init),
        None => window.fetch_with_str(path),
    };
    let resp: web_sys::Response = JsFuture::from(promise)
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    let body = JsFuture::from(resp.json().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
    if resp.ok() {
        serde_wasm_bindgen::from_value(body).map_err(|e| e.to_string())
    } else {
        Err(serde_wasm_bindgen::from_value::<Problem>(body)
            .map(|p| p.detail)
            .unwrap_or_else(|_| "request failed".to_owned()))
    }
}

/// GET a JSON document of the server, e.g. `get::<UnitRecord>("/api/units/…")`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, String> {
    fetch(path, None).await
}

/// POST /api/auth/login; the server sets the session cookie that later requests (and the
/// map's tile requests) carry. Signed in already (another user, say), the session's cookie
/// goes along: so does its CSRF token.
pub async fn login(username: &str, password: &str) -> Result<LoginResponse, String> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = web_sys::Headers::new().map_err(|e| format!("{e:?}"))?;
    headers.set("content-type", "application/json").map_err(|e| format!("{e:?}"))?;
    if let Some(t) = CSRF.with(|c| c.borrow().clone()) {
        headers.set("x-csrf-token", &t).map_err(|e| format!("{e:?}"))?;
    }
    init.set_headers(&headers);
    let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
    init.set_body(&JsValue::from_str(&serde_json::to_string(&body).map_err(|e| e.to_string())?));
    fetch("/api/auth/login", Some(&init)).await
}

thread_local! {
    /// The session's CSRF token (from `/api/auth/me`), sent with every write.
    static CSRF: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

pub fn set_csrf(token: Option<String>) {
    CSRF.with(|c| *c.borrow_mut() = token);
}

/// What a write answered: status, ETag, and the JSON body (null when there is none).
pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    pub body: JsValue,
}

impl Answer {
    /// The body as `T` when the status is 2xx; else the problem's detail.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, String> {
        if (200..300).contains(&self.status) {
            serde_wasm_bindgen::from_value(self.body).map_err(|e| e.to_string())
        } else {
            Err(self.problem())
        }
    }

    pub fn problem(&self) -> String {
        serde_wasm_bindgen::from_value::<Problem>(self.body.clone())
            .map(|p| p.detail)
            .unwrap_or_else(|_| format!("HTTP {}", self.status))
    }
}

/// Any request: method, path, body (JSON text, a File …), extra headers. The CSRF token goes
/// along with every write.
pub async fn send(
    method: &str,
    path: &str,
    body: Option<&JsValue>,
    headers: &[(&str, &str)],
) -> Result<Answer, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let h = web_sys::Headers::new().map_err(|e| format!("{e:?}"))?;
    for (k, v) in headers {
        h.set(k, v).map_err(|e| format!("{e:?}"))?;
    }
    if let Some(t) = CSRF.with(|c| c.borrow().clone()) {
        h.set("x-csrf-token", &t).map_err(|e| format!("{e:?}"))?;
    }
    init.set_headers(&h);
    if let Some(b) = body {
        init.set_body(b);
    }
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "not a response".to_owned())?;
    let etag = resp.headers().get("etag").ok().flatten();
    let status = resp.status();
    let body = if status == 204 {
        JsValue::NULL
    } else {
        match resp.json() {
            Ok(p) => JsFuture::from(p).await.unwrap_or(JsValue::NULL),
            Err(_) => JsValue::NULL,
        }
    };
    Ok(Answer { status, etag, body })
}

/// A path segment or query value, percent-encoded.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).as_string().unwrap_or_default()
}

/// The EPSG code of the county's Gauss-Krüger zone, from its OGC API feature
/// (`/ogc/collections/admin_areas/items?level=county&limit=1`).
pub async fn county_gk_srid() -> Result<Option<u16>, String> {
    #[derive(Deserialize)]
    struct Items {
        features: Vec<Feature>,
    }
    #[derive(Deserialize)]
    struct Feature {
        properties: County,
    }
    #[derive(Deserialize)]
    struct County {
        gk_srid: Option<u64>,
    }
    let items: Items = get("/ogc/collections/admin_areas/items?level=county&limit=1").await?;
    Ok(items.features.first().and_then(|f| f.properties.gk_srid).and_then(|s| u16::try_from(s).ok()))
}

/// The county's bounds `[west, south, east, north]`, from the TileJSON of its layer.
pub async fn county_bounds() -> Result<Option<Vec<f64>>, String> {
    #[derive(Deserialize)]
    struct TileJson {
        bounds: Option<Vec<f64>>,
    }
    Ok(get::<TileJson>("/tiles/county").await?.bounds)
}

/// POSTs a multipart form with XMLHttpRequest (fetch reports no upload progress), calling
/// `progress(sent, total)` as it goes: the answer as [`Answer`].
pub async fn post_form(
    path: &str,
    form: &web_sys::FormData,
    progress: impl Fn(f64, f64) + 'static,
) -> Result<Answer, String> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|e| format!("{e:?}"))?;
    xhr.open("POST", path).map_err(|e| format!("{e:?}"))?;
    if let Some(t) = CSRF.with(|c| c.borrow().clone()) {
        xhr.set_request_header("x-csrf-token", &t).map_err(|e| format!("{e:?}"))?;
    }
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() {
            progress(e.loaded(), e.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
    });
    xhr.send_with_opt_form_data(Some(form)).map_err(|e| format!("{e:?}"))?;
    JsFuture::from(done).await.map_err(|_| "the upload failed (network)".to_owned())?;
    drop(on_progress);
    let status = xhr.status().map_err(|e| format!("{e:?}"))?;
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    let body = js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL);
    Ok(Answer { status, etag: None, body })
}
