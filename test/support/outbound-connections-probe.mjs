// Preloaded with `node --import` into a process under test: appends every TCP
// connection and DNS lookup the process starts to the file in
// OUTBOUND_CONNECTIONS_LOG, one JSON line each, so a test can say where it tried
// to go. Patches the prototypes every client (http, https, undici, pg, ioredis)
// ends up in; plain JavaScript, so no loader sits in the measured process.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';

const logFile = process.env.OUTBOUND_CONNECTIONS_LOG;
if (logFile) {
  const record = (entry) => appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const options = typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
    if (options && !options.path) record({ kind: 'connect', host: options.host ?? 'localhost', port: Number(options.port) });
    return connect.apply(this, args);
  };
  const lookup = dns.lookup;
  dns.lookup = function (hostname, ...rest) {
    record({ kind: 'lookup', host: hostname });
    return lookup.call(this, hostname, ...rest);
  };
}
