//! Where httpstatus keeps its data on this machine, and the CA directory inside it.

use std::ffi::OsString;
use std::path::PathBuf;

/// The variable that overrides the data directory.
pub const DATA_DIR_VAR: &str = "HTTPSTATUS_DATA_DIR";

/// The CA's directory inside the data directory.
pub const CA_DIR_NAME: &str = "ca";

/// `$HTTPSTATUS_DATA_DIR` if set, else `$XDG_DATA_HOME/httpstatus`, else `$HOME/.local/share/httpstatus`
/// (the XDG Base Directory default). Empty values count as unset, and so does a relative `XDG_DATA_HOME`, as
/// the XDG specification says. With no home at all, `.httpstatus` in the current directory.
pub fn default_data_dir() -> PathBuf {
    data_dir_from(|name| std::env::var_os(name))
}

/// `<default data dir>/ca`: where [`crate::LocalCa::load_or_create`] keeps the CA unless told otherwise.
pub fn default_ca_dir() -> PathBuf {
    default_data_dir().join(CA_DIR_NAME)
}

/// The rule of [`default_data_dir`] over any source of environment variables, so that tests need not change
/// the process environment.
fn data_dir_from(var: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    let set = |name: &str| {
        var(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = set(DATA_DIR_VAR) {
        return dir;
    }
    if let Some(data_home) = set("XDG_DATA_HOME").filter(|dir| dir.is_absolute()) {
        return data_home.join("httpstatus");
    }
    match set("HOME") {
        Some(home) => home.join(".local/share/httpstatus"),
        None => PathBuf::from(".httpstatus"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(vars: &[(&str, &str)]) -> PathBuf {
        data_dir_from(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        })
    }

    #[test]
    fn the_override_wins_then_xdg_then_home() {
        let all = [
            ("HTTPSTATUS_DATA_DIR", "/srv/hs"),
            ("XDG_DATA_HOME", "/x"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(dir_with(&all), PathBuf::from("/srv/hs"));
        assert_eq!(dir_with(&all[1..]), PathBuf::from("/x/httpstatus"));
        assert_eq!(
            dir_with(&all[2..]),
            PathBuf::from("/home/u/.local/share/httpstatus")
        );
        assert_eq!(dir_with(&[]), PathBuf::from(".httpstatus"));
    }

    #[test]
    fn empty_values_and_a_relative_xdg_data_home_are_ignored() {
        let vars = [
            ("HTTPSTATUS_DATA_DIR", ""),
            ("XDG_DATA_HOME", "relative/dir"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(
            dir_with(&vars),
            PathBuf::from("/home/u/.local/share/httpstatus")
        );
    }

    #[test]
    fn the_ca_lives_in_a_ca_directory_of_the_data_directory() {
        assert_eq!(default_ca_dir(), default_data_dir().join("ca"));
    }
}
