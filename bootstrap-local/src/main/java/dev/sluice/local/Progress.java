package dev.sluice.local;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A progress line with an ETA, for commands that already wait for work to end. On a terminal it rewrites one line;
 * into a file or a pipe it writes a line every few seconds, so logs stay readable.
 */
public final class Progress {
    private final PrintStream out;
    private final String what;
    private final LongSupplier nanoTime;
    private final boolean terminal;
    private final long started;
    private long lastShown = Long.MIN_VALUE;
    private String lastLine = "";

    public Progress(PrintStream out, String what) {
        this(out, what, System::nanoTime, System.console() != null);
    }

    Progress(PrintStream out, String what, LongSupplier nanoTime, boolean terminal) {
        this.out = out;
        this.what = what;
        this.nanoTime = nanoTime;
        this.terminal = terminal;
        this.started = nanoTime.getAsLong();
    }

    /** Shows {@code done} of {@code total}, at most twice a second on a terminal and every 5 s otherwise. */
    public void update(long done, long total) {
        long now = nanoTime.getAsLong();
        long every = terminal ? 500_000_000L : 5_000_000_000L;
        if (lastShown != Long.MIN_VALUE && now - lastShown < every && done < total) {
            return;
        }
        lastShown = now;
        String line = line(what, done, total, Duration.ofNanos(now - started));
        if (line.equals(lastLine)) {
            return;
        }
        lastLine = line;
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
        } else {
            out.println(line);
        }
    }

    /** Ends the line (on a terminal the last update stays on screen). */
    public void finish() {
        if (terminal && !lastLine.isEmpty()) {
            out.println();
        }
    }

    /**
     * {@code what: done/total (pct%), elapsed, ETA}: the ETA is the time left at the rate so far, unknown until
     * something is done.
     */
    static String line(String what, long done, long total, Duration elapsed) {
        long shown = clamp(done, total);
        long pct = total <= 0 ? 100 : shown * 100 / total;
        return what + ": " + shown + "/" + total + " (" + pct + "%), " + seconds(elapsed) + " elapsed, "
                + eta(done, total, elapsed);
    }

    /** {@code ETA 12 s} at the rate so far; {@code done} when all is; {@code ETA unknown} before the first. */
    public static String eta(long done, long total, Duration elapsed) {
        long shown = clamp(done, total);
        if (shown >= total) {
            return "done";
        }
        if (shown == 0) {
            return "ETA unknown";
        }
        return "ETA " + seconds(Duration.ofMillis(elapsed.toMillis() * (total - shown) / shown));
    }

    private static long clamp(long done, long total) {
        return Math.min(Math.max(done, 0), Math.max(total, 0));
    }

    private static String seconds(Duration d) {
        long s = (d.toMillis() + 500) / 1000;
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }
}
