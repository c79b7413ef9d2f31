//! The floor window: Tauri and WebKitGTK showing one static page and nothing else, built
//! with the desk's release profile. `scripts/bench-app.sh` measures its launch and memory
//! beside 报修台's; the page marks `floor-painted` once it is on screen.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("floor-window: {e}");
        std::process::exit(1);
    }
}
