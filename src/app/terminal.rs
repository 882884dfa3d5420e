//! The terminal guard: raw mode, alternate screen, hidden cursor, focus and
//! paste reporting on the way in; all of it undone on the way out, whether the
//! app returns, fails, panics or is signalled.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste, EnableFocusChange,
};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::osc;

/// Set while the terminal is in app mode, so restore runs once from whichever
/// path gets there first (drop, panic hook).
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub type Term = Terminal<CrosstermBackend<Stdout>>;

pub struct TerminalGuard;

impl TerminalGuard {
    pub fn enter() -> io::Result<(TerminalGuard, Term)> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = TerminalGuard;
        execute!(io::stdout(), EnterAlternateScreen, Hide, EnableFocusChange, EnableBracketedPaste)?;
        // The user's title is saved here and restored on the way out: ours
        // follows the watched run.
        osc::write(osc::PUSH_TITLE);
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok((guard, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Hands the terminal to another program (`L`): the normal screen, cooked
/// mode, the cursor shown. `resume` takes it back.
pub fn suspend() {
    restore();
}

/// Back to app mode after `suspend`; the caller redraws everything.
pub fn resume() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), EnterAlternateScreen, Clear(ClearType::All), Hide, EnableFocusChange, EnableBracketedPaste)?;
    // `restore` popped the title stack for the child; push it again so the
    // pop on exit stays balanced.
    osc::write(osc::PUSH_TITLE);
    Ok(())
}

/// Puts the terminal back. Errors are ignored: after an SSH drop there is no
/// terminal to write to, and nothing better to do.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = execute!(out, DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, LeaveAlternateScreen, Show);
    let _ = out.write_all(osc::POP_TITLE);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the previous hook prints the panic report, so
/// the report lands on the normal screen, readable.
fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let was_active = ACTIVE.load(Ordering::SeqCst);
        restore();
        previous(info);
        // A panic in a worker task would leave the app drawing on a restored
        // (cooked) terminal: end the process instead.
        if was_active {
            std::process::exit(101);
        }
    }));
}
