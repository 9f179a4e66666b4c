//! A TCP relay to the S3 server that can be cut (every connection shut, the port closed: what
//! clients see when the store goes down) and restored on the same port — an outage of the shared
//! Garage without stopping it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The relay: every connection to `port` is piped to the upstream server while it runs.
pub struct Relay {
    /// The port clients connect to.
    pub port: u16,
    upstream: SocketAddr,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    /// A relay to `upstream`, running.
    pub fn new(upstream: SocketAddr) -> Relay {
        let port = free_port_below_ephemeral_range();
        let r = Relay {
            port,
            upstream,
            stop: Arc::new(AtomicBool::new(true)),
            conns: Default::default(),
        };
        r.start();
        r
    }

    /// Opens the port again and relays new connections.
    pub fn start(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    eprintln!("relay: port {} not free yet ({e})", self.port);
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("relay: cannot listen on port {} again: {e}", self.port),
            }
        };
        self.stop.store(false, Ordering::SeqCst);
        let (stop, conns, upstream) = (self.stop.clone(), self.conns.clone(), self.upstream);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return; // dropping the listener closes the port
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(upstream) else { continue };
                let mut list = conns.lock().unwrap();
                list.push(client.try_clone().unwrap());
                list.push(server.try_clone().unwrap());
                for (mut from, mut to) in
                    [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
    }

    /// Cuts every connection and closes the port.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and drops the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
        // The port refuses connections once the loop has returned.
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(Instant::now() < deadline, "relay did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A free port under Linux's ephemeral range (32768–60999): while the relay is cut its port is
/// closed, and a port from that range could then be handed to some outgoing connection (the
/// service's own retries included, which would even connect to themselves), so it could not be
/// bound again. Ports below the range are never handed out that way.
fn free_port_below_ephemeral_range() -> u16 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let start = (nanos ^ std::process::id()) % 12_000;
    (0..12_000u32)
        .map(|i| 20_000 + ((start + i) % 12_000) as u16)
        .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port in 20000..32000")
}
