//! The README's key table lists every one-letter key of the spaces and messages panes
//! that the default keymap binds, and does not promise what the app no longer does.

use std::collections::BTreeMap;

fn readme_row(readme: &str, pane: &str) -> String {
    readme
        .lines()
        .find(|l| l.starts_with(&format!("| {pane} |")))
        .unwrap_or_else(|| panic!("no README row for {pane}"))
        .to_string()
}

#[test]
fn every_one_letter_key_of_the_panes_is_in_the_readme() {
    let readme = include_str!("../README.md");
    let keymap: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        toml::from_str(include_str!("../assets/keymap.toml")).unwrap();
    let mut missing = Vec::new();
    for pane in ["spaces", "messages"] {
        let row = readme_row(readme, pane);
        for (cmd, keys) in &keymap[pane] {
            for k in keys.iter().filter(|k| k.chars().count() == 1) {
                if !row.contains(&format!("`{k}`")) {
                    missing.push(format!("{pane}: {k} ({cmd})"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in the README: {missing:?}");
}

#[test]
fn the_readme_says_reactions_arrive_live() {
    let readme = include_str!("../README.md").replace('\n', " ");
    assert!(!readme.contains("reactions appear on `Ctrl-r`"));
}
