//! Stage timings for finding where a rebuild spends its time: with `HINDSIGHT_TIMINGS=1`
//! each stage prints its duration to stderr. Off, a timer costs one env lookup.

/// With `HINDSIGHT_TIMINGS=1`, each rebuild prints how long its stages took.
#[derive(Default)]
pub struct StageTimer {
    last: Option<std::time::Instant>,
}

impl StageTimer {
    pub fn new() -> StageTimer {
        let on = std::env::var_os("HINDSIGHT_TIMINGS").is_some_and(|v| v != "0");
        StageTimer {
            last: on.then(std::time::Instant::now),
        }
    }

    pub fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            crate::errln!("  {stage}: {:.1} ms", last.elapsed().as_secs_f64() * 1000.0);
            self.last = Some(std::time::Instant::now());
        }
    }
}
