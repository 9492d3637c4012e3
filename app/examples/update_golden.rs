//! Rewrites the golden matrix (`app/tests/golden/matrix-en.svg`) from today's drawing, after a
//! deliberate change to it: `cargo run -p app --features ssr --example update_golden`. Look at the new
//! file before committing it; the unit test `golden_matrix_svg` only ever compares.

fn main() {
    use app::chart::{golden, matrix_svg};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(golden::GOLDEN_SVG);
    let svg = matrix_svg(
        &golden::fixture(),
        app::i18n::Lang::En,
        app::domain::MatrixOptions::default(),
        None,
    );
    std::fs::write(&path, svg).expect("the golden folder is writable");
    println!("wrote {}", path.display());
}
