package dev.planexec.agent.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.store.SecureFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A local session's append-only event log, {@code events.jsonl}: one JSON object a line. Events are written to the
 * OS as they come (output in batches); {@link #sync()} forces them to disk, which the session does after every step
 * ends and before the next one starts, so a finished step is never forgotten by a crash.
 */
final class SessionLog implements AutoCloseable {
    static final String FILE = "events.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER = 64 * 1024;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

    private SessionLog(FileChannel channel) {
        this.channel = channel;
    }

    static SessionLog open(Path sessionDir) throws IOException {
        return new SessionLog(SecureFiles.openAppend(sessionDir.resolve(FILE)));
    }

    static ObjectNode event(String type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("ts", Instant.now().toString());
        node.put("type", type);
        return node;
    }

    /** Appends an event and hands it to the OS. */
    synchronized void append(ObjectNode event) throws IOException {
        buffer(event);
        flush();
    }

    /** Appends an event, leaving it in memory until the next {@link #flush()} or full buffer. */
    synchronized void buffer(ObjectNode event) throws IOException {
        byte[] line = JSON.writeValueAsBytes(event);
        if (line.length + 1 > buffer.remaining()) {
            flush();
        }
        if (line.length + 1 > buffer.capacity()) {
            write(ByteBuffer.wrap(line));
            write(ByteBuffer.wrap(new byte[] {'\n'}));
            return;
        }
        buffer.put(line).put((byte) '\n');
    }

    synchronized void flush() throws IOException {
        buffer.flip();
        write(buffer);
        buffer.clear();
    }

    /** Flushes and forces the log to disk. */
    synchronized void sync() throws IOException {
        flush();
        channel.force(false);
    }

    private void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }

    /**
     * Every event in a session folder. A line cut short by a crash is skipped, as is any other line that does not
     * parse: what it would have said is then simply not known, which at worst runs a step again.
     */
    static List<JsonNode> read(Path sessionDir) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(sessionDir.resolve(FILE), StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    // torn or corrupt line
                }
            }
        }
        return events;
    }

    /** The first event only: the session's {@code created} record, which {@code list} needs. */
    static JsonNode readFirst(Path sessionDir) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(sessionDir.resolve(FILE), StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            return line == null ? null : JSON.readTree(line);
        }
    }
}
