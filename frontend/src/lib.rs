//! The browser entry point. The page is server-rendered HTML; Leptos' island script
//! calls [`hydrate`] and then hydrates each `#[island]` of the `app` crate (their
//! exports reach this module through the link of `app` below).

extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
