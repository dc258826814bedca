-- Prosody for the boshcm demo in docker/compose.yaml. NOT a production configuration.
--
-- One virtual host, "localhost", reachable only on the compose network. c2s on 5222 requires
-- STARTTLS with a self-signed certificate that entrypoint.sh creates on first start, so boshcm
-- has to be run with --insecure-upstream-tls against it (demo only). s2s and HTTP are off.

-- Foreground in a container: no pidfile, no daemon, log to the console.
log = { { levels = { min = "info" }; to = "console" } }

interfaces = { "*" }           -- IPv4 only; "::" fails where the network has no IPv6
c2s_ports = { 5222 }           -- STARTTLS
c2s_direct_tls_ports = { }     -- add 5223 here to try --upstream-tls direct
s2s_ports = { }
http_ports = { }
https_ports = { }

modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "ping";
  "carbons"; "smacks"; "mam";  -- smacks: XEP-0198; mam: XEP-0313, lets clients catch up after a reconnect
}
modules_disabled = { "s2s"; "s2s_auth_certs" }

authentication = "internal_hashed"  -- SCRAM-SHA-1; PLAIN only on encrypted streams
storage = "internal"                -- files under /var/lib/prosody (a volume in compose.yaml)
archive_expires_after = "1d"
c2s_require_encryption = true
allow_registration = false          -- demo accounts are created by entrypoint.sh

ssl = {
  certificate = "/var/lib/prosody/localhost.crt";
  key = "/var/lib/prosody/localhost.key";
}

VirtualHost "localhost"
