//! Whose address a request comes from, for the per-address limits (sign-in, open links).
//!
//! The connection's peer is the client, unless the peer is one of `TRUSTED_PROXIES` (a comma-separated
//! list of IP addresses, empty by default): then `X-Forwarded-For` is read from its right-hand end,
//! past every trusted proxy, and the first address that is not one is the client. Addresses further
//! left were written by the client itself and are never believed.

use std::net::IpAddr;

/// The client's address: `peer` (None where the server has no connection info, as in tests) and the
/// request's `X-Forwarded-For` values, given the trusted proxies.
pub fn client_ip(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = forwarded
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.into_iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            // A value we cannot read: the proxy's own peer is the best we know.
            Err(_) => return Some(peer),
        }
    }
    Some(peer)
}

/// Parses `TRUSTED_PROXIES`; an entry that is not an IP address is an error that names it.
pub fn parse_trusted(list: &str) -> Result<Vec<IpAddr>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpAddr>()
                .map_err(|_| format!("TRUSTED_PROXIES: {s:?} is not an IP address"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_forwarded_header_counts_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.1");
        let trusted = [proxy, ip("10.0.0.2")];
        // Straight from a client: its own address, whatever it writes in the header.
        assert_eq!(
            client_ip(Some(ip("203.0.113.9")), &["198.51.100.1"], &trusted),
            Some(ip("203.0.113.9"))
        );
        // Through the proxy: the right-most address the proxies did not write themselves.
        assert_eq!(
            client_ip(Some(proxy), &["1.2.3.4, 198.51.100.7, 10.0.0.2"], &trusted),
            Some(ip("198.51.100.7"))
        );
        // Two header lines are one list, in order.
        assert_eq!(
            client_ip(Some(proxy), &["1.2.3.4", "198.51.100.8"], &trusted),
            Some(ip("198.51.100.8"))
        );
        // No header, or only proxies in it: the proxy is all we know; junk likewise.
        assert_eq!(client_ip(Some(proxy), &[], &trusted), Some(proxy));
        assert_eq!(client_ip(Some(proxy), &["10.0.0.2"], &trusted), Some(proxy));
        assert_eq!(
            client_ip(Some(proxy), &["1.2.3.4, junk"], &trusted),
            Some(proxy)
        );
        // Nobody trusted (the default): the header is never read.
        assert_eq!(client_ip(Some(proxy), &["198.51.100.7"], &[]), Some(proxy));
        assert_eq!(client_ip(None, &["198.51.100.7"], &trusted), None);
    }

    #[test]
    fn trusted_proxies_are_parsed_or_named_as_wrong() {
        assert_eq!(parse_trusted(""), Ok(vec![]));
        assert_eq!(
            parse_trusted(" 10.0.0.1, ::1 ,"),
            Ok(vec![ip("10.0.0.1"), ip("::1")])
        );
        assert_eq!(
            parse_trusted("10.0.0.1,proxy.local"),
            Err("TRUSTED_PROXIES: \"proxy.local\" is not an IP address".to_string())
        );
    }
}
