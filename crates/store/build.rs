// `sqlx::migrate!` embeds the migrations at compile time; without this a migration
// added on its own would not be built in until some source file changed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
