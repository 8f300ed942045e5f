//! 现场照片: photos uploaded by drag and drop, by choosing files (a zip too) or from a phone's
//! camera, with a progress bar and a result per file (linked unit and how, duplicates,
//! warnings); the queue of photos linked to no unit, each dragged onto a unit of the project's
//! table (or its code typed) to assign it (`PATCH /api/photos/{no}` with If-Match).

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::archives::{PhotoPage, PhotoPatch, PhotoRecord, PhotoResult};

use super::{Notice, Refusal, Revision, notice_view, write};
use crate::api_client::{encode, get, post_form};
use crate::i18n::{Lang, tr};

/// The photo being dragged onto a unit (its number and version), shared with the unit table.
#[derive(Clone, Copy)]
pub struct Dragged(pub RwSignal<Option<(String, i32)>>);

/// Assigns photo `no` (read at `version`) to unit `unit`; the refusal, if any.
pub async fn assign(no: &str, version: i32, unit: &str) -> Result<(), Refusal> {
    let body = PhotoPatch { unit: Some(Some(unit.to_owned())), ..PhotoPatch::default() };
    write::<_, PhotoRecord>("PATCH", &format!("/api/photos/{}", encode(no)), &body, Some(version)).await.map(|_| ())
}

/// PhotoRecord upload and the unmatched queue of project `code`.
#[component]
pub fn PhotoWork(lang: ReadSignal<Lang>, code: String, officer: bool) -> impl IntoView {
    let revision = expect_context::<Revision>();
    let (progress, set_progress) = signal(None::<(f64, f64)>);
    let (results, set_results) = signal(Vec::<PhotoResult>::new());
    let (notice, set_notice) = signal(None::<Notice>);
    let (queue, set_queue) = signal(Vec::<PhotoRecord>::new());
    let kind = RwSignal::new("survey".to_owned());
    let queue_path = format!("/api/photos?project={}&unmatched=true&limit=200", encode(&code));
    Effect::new(move |_| {
        revision.track();
        let path = queue_path.clone();
        spawn_local(async move {
            if let Ok(p) = get::<PhotoPage>(&path).await {
                set_queue.set(p.photos);
            }
        });
    });
    let upload_path = StoredValue::new(format!("/api/photos?project={}", encode(&code)));
    let send = move |files: web_sys::FileList| {
        let Ok(form) = web_sys::FormData::new() else { return };
        for i in 0..files.length() {
            if let Some(f) = files.get(i) {
                let _ = form.append_with_blob_and_filename("file", &f, &f.name());
            }
        }
        let path = format!("{}&kind={}", upload_path.get_value(), kind.get_untracked());
        set_progress.set(Some((0.0, 1.0)));
        set_notice.set(None);
        spawn_local(async move {
            let answer = post_form(&path, &form, move |sent, total| set_progress.set(Some((sent, total)))).await;
            set_progress.set(None);
            match answer {
                Ok(a) if (200..300).contains(&a.status) => {
                    match serde_wasm_bindgen::from_value::<Vec<PhotoResult>>(a.body) {
                        Ok(r) => {
                            set_results.set(r);
                            set_notice.set(Some(Notice::Done("照片已上传", "Photos uploaded")));
                            revision.bump();
                        }
                        Err(e) => set_notice.set(Some(Notice::Refused(Refusal {
                            status: 0,
                            detail: e.to_string(),
                            issues: vec![],
                        }))),
                    }
                }
                Ok(a) => {
                    let problem = serde_wasm_bindgen::from_value::<onemap_api::Problem>(a.body.clone());
                    let (detail, issues) =
                        problem.map(|p| (p.detail, p.issues)).unwrap_or_else(|_| (a.problem(), vec![]));
                    set_notice.set(Some(Notice::Refused(Refusal { status: a.status, detail, issues })));
                }
                Err(e) => set_notice.set(Some(Notice::Refused(Refusal { status: 0, detail: e, issues: vec![] }))),
            }
        });
    };
    let on_input = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(files) = input.files() {
            send(files);
        }
        input.set_value("");
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            send(files);
        }
    };
    let dragged = expect_context::<Dragged>();
    let unit_typed = RwSignal::new(String::new());
    view! {
        <section class="photo-work" data-testid="photo-work">
            <h4>{move || tr(lang.get(), "现场照片", "Field photos")}</h4>
            <div class="drop" data-testid="photo-drop" on:dragover=|ev: web_sys::DragEvent| ev.prevent_default() on:drop=on_drop>
                {move || tr(lang.get(), "把照片（JPEG/PNG，或压缩包）拖到这里", "Drop photos (JPEG/PNG, or a zip) here")}
                <div class="buttons">
                    <label class="file-button">{move || tr(lang.get(), "选择照片", "Choose photos")}
                        <input type="file" name="photos" data-testid="photo-input" multiple accept="image/jpeg,image/png,.zip" on:change=on_input />
                    </label>
                    <label class="file-button">{move || tr(lang.get(), "拍照", "Take a photo")}
                        <input type="file" name="camera" accept="image/*" capture="environment" on:change=on_input />
                    </label>
                    <select name="photo_kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="survey">{move || tr(lang.get(), "调查照片", "survey")}</option>
                        <option value="demolition">{move || tr(lang.get(), "拆除照片", "demolition")}</option>
                        <option value="other">{move || tr(lang.get(), "其他", "other")}</option>
                    </select>
                </div>
            </div>
            {move || progress.get().map(|(sent, total)| view! {
                <progress data-testid="photo-progress" max="100" value=format!("{:.0}", 100.0 * sent / total.max(1.0))></progress>
            })}
            {notice_view(lang, notice)}
            <Show when=move || !results.get().is_empty()>
                <table class="photo-results" data-testid="photo-results">
                    <tbody>
                        {move || results.get().into_iter().map(|r| {
                            let l = lang.get();
                            let how = match (r.error.as_deref(), r.duplicate_of.as_deref(), r.method.as_deref()) {
                                (Some(e), _, _) => format!("{} {e}", tr(l, "拒收", "refused")),
                                (_, Some(d), _) => format!("{} {d}", tr(l, "重复，已有", "duplicate of")),
                                (_, _, Some("inside")) => tr(l, "位于单元内", "inside").to_owned(),
                                (_, _, Some("nearest")) => format!("{} {:.1} m", tr(l, "最近单元", "nearest,"), r.distance_m.unwrap_or_default()),
                                _ => tr(l, "未匹配", "unmatched").to_owned(),
                            };
                            view! {
                                <tr data-file=r.file.clone() data-unit=r.unit.clone().unwrap_or_default() data-method=r.method.clone().unwrap_or_default()>
                                    <td>{r.file.clone()}</td><td>{r.photo_no.clone().unwrap_or_default()}</td>
                                    <td>{r.unit.clone().unwrap_or_default()}</td><td>{how}</td>
                                    <td class="warn">{r.warnings.join("；")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <h4>{move || tr(lang.get(), "未匹配照片", "Unmatched photos")} " " <b data-testid="queue-count">{move || queue.get().len()}</b></h4>
            <p class="hint">{move || if officer {
                tr(lang.get(), "把照片拖到下方补偿单元表中的一行，或输入单元编号后点“关联”", "Drag a photo onto a row of the unit table below, or type a unit code and press Assign")
            } else { "" }}</p>
            <ul class="queue" data-testid="photo-queue">
                {move || queue.get().into_iter().map(|p| {
                    let (no, version) = (p.photo_no.clone(), p.version);
                    let no_drag = no.clone();
                    let assign_typed = move |_| {
                        let (no, unit) = (no.clone(), unit_typed.get_untracked());
                        spawn_local(async move {
                            match assign(&no, version, unit.trim()).await {
                                Ok(()) => revision.bump(),
                                Err(r) => set_notice.set(Some(Notice::Refused(r))),
                            }
                        });
                    };
                    view! {
                        <li data-photo=p.photo_no.clone() data-version=p.version draggable=if officer { "true" } else { "false" }
                            on:dragstart=move |ev: web_sys::DragEvent| {
                                dragged.0.set(Some((no_drag.clone(), version)));
                                if let Some(dt) = ev.data_transfer() {
                                    let _ = dt.set_data("text/plain", &no_drag);
                                }
                            }>
                            <img src=format!("{}?thumbnail", p.url) alt="" loading="lazy" />
                            <span>{p.photo_no.clone()}</span>
                            <small>{p.unmatched_reason.clone().unwrap_or_default()}</small>
                            {officer.then(|| view! {
                                <button type="button" data-testid="assign-photo" on:click=assign_typed>{move || tr(lang.get(), "关联", "Assign")}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {officer.then(|| view! {
                <label class="assign-to">
                    <span>{move || tr(lang.get(), "关联到单元", "Assign to unit")}</span>
                    <input type="text" name="assign_unit" prop:value=move || unit_typed.get() on:input=move |ev| unit_typed.set(event_target_value(&ev)) />
                </label>
            })}
        </section>
    }
}
