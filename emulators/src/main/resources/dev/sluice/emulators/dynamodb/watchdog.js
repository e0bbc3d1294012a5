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
