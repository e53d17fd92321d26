//! Timeline timestamps and time zones: the first line is a zone name, the rest an `at`
//! value.
#![no_main]

use libfuzzer_sys::fuzz_target;

use hindsight::kinds::postmortems::timeline::{resolve_at, time_zone};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (zone, at) = input.split_once('\n').unwrap_or(("", input));
    let zone = if zone.is_empty() {
        None
    } else {
        time_zone(zone)
    };
    if let Ok(zoned) = resolve_at(at, zone.as_ref()) {
        // A resolved time prints and reparses to the same instant.
        let again = resolve_at(&zoned.timestamp().to_string(), zone.as_ref()).unwrap();
        assert_eq!(again.timestamp(), zoned.timestamp());
    }
});
