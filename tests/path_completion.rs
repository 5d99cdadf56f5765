//! Tab in the attach prompt, in a folder that holds only hidden files: they are offered
//! rather than "nothing starts so".

#[test]
fn a_folder_of_only_dotfiles_offers_them_after_a_slash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".bashrc"), "x").unwrap();
    std::fs::create_dir(dir.path().join(".config")).unwrap();
    let input = format!("{}/", dir.path().display());
    let c = gchat::files::complete_path(&input);
    assert_eq!(
        c.candidates,
        vec![".bashrc".to_string(), ".config/".to_string()]
    );
    // With a visible file there, hidden ones stay hidden unless a `.` is typed.
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let c = gchat::files::complete_path(&input);
    assert_eq!(c.candidates, vec!["notes.txt".to_string()]);
    let c = gchat::files::complete_path(&format!("{input}.b"));
    assert_eq!(c.input, format!("{input}.bashrc"));
}
