//! The migrations are embedded by `sqlx::migrate!`: a new or changed migration rebuilds the
//! binary.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
