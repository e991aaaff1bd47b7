//! Opening a token from the `--pkcs11-*` options, with the PIN from the environment or a
//! prompt.

use std::io::IsTerminal as _;

use docseal_pkcs11::{Pin, Token};

use crate::Failure;
use crate::cli::Pkcs11Args;

/// The environment variable a non-interactive run passes the user PIN in.
pub(crate) const PIN_VAR: &str = "DOCSEAL_PKCS11_PIN";

/// The token and key label of complete `--pkcs11-*` options, logged in; `None` without them.
pub(crate) fn open(args: &Pkcs11Args) -> Result<Option<(Token, String)>, Failure> {
    let (Some(module), Some(token), Some(key)) = (&args.pkcs11_module, &args.pkcs11_token, &args.pkcs11_key) else {
        return Ok(None);
    };
    let opened = Token::open(module, token).map_err(Failure::usage)?;
    opened.login(&pin(token)?).map_err(Failure::usage)?;
    Ok(Some((opened, key.clone())))
}

fn pin(token: &str) -> Result<Pin, Failure> {
    if let Some(pin) = std::env::var_os(PIN_VAR) {
        return pin.into_string().map(Pin::new).map_err(|_| Failure::usage(format!("{PIN_VAR} is not valid UTF-8")));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "the PIN of token {token:?}: set {PIN_VAR}, or run on a terminal to be asked"
        )));
    }
    rpassword::prompt_password(format!("PIN of token {token:?}: "))
        .map(Pin::new)
        .map_err(|e| Failure::usage(format!("reading the PIN: {e}")))
}
