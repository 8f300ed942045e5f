//! 照片查看: a photo in full view over the page, with its caption and a link to the original.

use leptos::prelude::*;

use crate::i18n::{Lang, tr};

/// A photo to show in full view: its URL and its caption (taken time, caption text).
#[derive(Clone)]
pub struct ShownPhoto {
    pub url: String,
    pub caption: String,
}

/// The full view; a click outside the photo or on 关闭 closes it.
#[component]
pub fn PhotoView(
    lang: ReadSignal<Lang>,
    photo: ReadSignal<Option<ShownPhoto>>,
    set_photo: WriteSignal<Option<ShownPhoto>>,
) -> impl IntoView {
    move || {
        photo.get().map(|ShownPhoto { url, caption }| {
            view! {
                <div class="lightbox" data-testid="lightbox" on:click=move |_| set_photo.set(None)>
                    <figure on:click=|ev| ev.stop_propagation()>
                        <img src=url.clone() alt=caption.clone() />
                        <figcaption>{caption} " " <a href=url target="_blank">{move || tr(lang.get(), "原图", "Original")}</a></figcaption>
                        <button on:click=move |_| set_photo.set(None)>{move || tr(lang.get(), "关闭", "Close")}</button>
                    </figure>
                </div>
            }
        })
    }
}
