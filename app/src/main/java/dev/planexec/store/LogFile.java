package dev.planexec.store;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * planexec's log in the state folder: full errors with their stack traces, which never go to the terminal.
 * Writing to it never throws; a log that cannot be written is not worth failing a run for.
 */
public final class LogFile {
    private final Path file;

    public LogFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public void info(String message) {
        append(Instant.now() + " INFO  " + message + "\n");
    }

    public void error(String message, Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        append(Instant.now() + " ERROR " + message + "\n" + trace);
    }

    private synchronized void append(String text) {
        try {
            SecureFiles.createDirectories(file.getParent());
            try (FileChannel channel = SecureFiles.openAppend(file)) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            // Nowhere left to report it.
        }
    }
}
