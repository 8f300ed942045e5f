//! 登录: the login form, with the demo users listed while the demo county is loaded.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onemap_api::auth::DemoUsers;

use crate::api_client::{get, login};
use crate::i18n::{Lang, tr};

/// The login form, shown while `open`; a successful login reloads the page so that tiles and
/// panels follow the new role.
#[component]
pub fn LoginForm(lang: ReadSignal<Lang>, open: ReadSignal<bool>, error: WriteSignal<Option<String>>) -> impl IntoView {
    // 演示账号: fetched the first time the form opens.
    let (demo, set_demo) = signal(None::<DemoUsers>);
    Effect::new(move |_| {
        if open.get() && demo.get_untracked().is_none() {
            spawn_local(async move {
                if let Ok(d) = get::<DemoUsers>("/api/auth/demo-users").await {
                    set_demo.set(Some(d));
                }
            });
        }
    });
    let username = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(u), Some(p)) = (username.get(), password.get()) else { return };
        let (u, p) = (u.value(), p.value());
        spawn_local(async move {
            match login(&u, &p).await {
                // A fresh page: tiles and panels follow the new role.
                Ok(_) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let demo_users = move || {
        demo.get().and_then(|d| d.password.map(|pw| (pw, d.users))).map(|(password_text, users)| {
            view! {
                <div class="demo-users" data-testid="demo-users">
                    <p>{tr(lang.get(), "演示账号（仅演示数据）", "Demo users (demo data only)")} " · "
                       {tr(lang.get(), "密码", "password")} " " <code>{password_text.clone()}</code></p>
                    {users.into_iter().map(|u| {
                        let name = u.username;
                        let label = format!("{} ({}, {})", u.display_name, name, u.role);
                        let password_text = password_text.clone();
                        view! {
                            <button type="button" data-user=name.clone() on:click=move |_| {
                                if let (Some(u), Some(p)) = (username.get(), password.get()) {
                                    u.set_value(&name);
                                    p.set_value(&password_text);
                                }
                            }>{label}</button>
                        }
                    }).collect_view()}
                </div>
            }
        })
    };
    view! {
        <Show when=move || open.get()>
            <form class="login" data-testid="login-form" on:submit=submit>
                <label>{move || tr(lang.get(), "用户名", "Username")} <input name="username" node_ref=username autocomplete="username" /></label>
                <label>{move || tr(lang.get(), "密码", "Password")} <input name="password" type="password" node_ref=password autocomplete="current-password" /></label>
                <button type="submit">{move || tr(lang.get(), "登录", "Log in")}</button>
                {demo_users}
            </form>
        </Show>
    }
}
