// Preloaded into the dynalite server (node -r): it exits when the JVM that started it is gone, even after a
// SIGKILL, which no Java API can arrange on Linux. That JVM holds the write end of our stdin, which the kernel
// closes when the JVM dies; being re-parented (to init or a subreaper) is a second sign.
'use strict';
const parent = process.ppid;
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
setInterval(() => {
  if (process.ppid !== parent) {
    process.exit(0);
  }
}, 500).unref();

// dynalite throws from an incoming request's 'error' handler, so a client that goes away mid-request (a killed JVM:
// the kernel resets its sockets) would take the whole server, and every other client's tables, down with it. Such a
// request is dead anyway; anything else still ends the process, as it would without this.
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.message === 'aborted')) {
    console.error('dynalite: a client went away mid-request (' + (err.code || err.message) + '); serving on');
    return;
  }
  console.error(err);
  process.exit(1);
});
