package dev.sluice.local.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The log lines the functions wrote since an offset of the local log file, as CloudWatch Logs would ingest them:
 * lines written inside a handler (they carry the Lambda context's {@code function_name}); the local runtime's own
 * lines and the stand-ins' are left out.
 *
 * @param lines function log lines
 * @param bytes their bytes, newline included
 */
record LogBytes(long lines, long bytes) {
    static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    static LogBytes functionLines(Path file, long from) throws IOException {
        if (!Files.exists(file)) {
            return new LogBytes(0, 0);
        }
        long lines = 0;
        long bytes = 0;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(from);
            String line;
            while ((line = in.readLine()) != null) {
                // readLine reads bytes as Latin-1: the length in bytes is the length of the string.
                if (line.contains("\"function_name\"")) {
                    lines++;
                    bytes += line.length() + 1;
                }
            }
        }
        return new LogBytes(lines, bytes);
    }

    static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
