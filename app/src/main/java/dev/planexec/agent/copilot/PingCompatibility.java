package dev.planexec.agent.copilot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.github.copilot.sdk.json.PingResponse;
import dev.planexec.agent.AgentException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Teaches the Copilot SDK to read the {@code ping} answer of every Copilot CLI planexec supports.
 *
 * <p>Why: from CLI 1.0.52 on, {@code ping} answers {@code "timestamp":"2026-11-30T18:36:41.834Z"} where older CLIs
 * sent a number of milliseconds; {@code copilot-sdk-java} 0.3.0-java.2 reads it into a {@code long}, so its protocol
 * check at {@code client.start()} fails for every newer CLI although nothing else about the protocol changed
 * ({@code protocolVersion} is still 3). The SDK reads every answer with one shared {@code ObjectMapper}, which its
 * package-private {@code JsonRpcClient.getObjectMapper()} returns; planexec adds a deserializer for
 * {@code PingResponse} that takes either form, once, before its first client starts.
 *
 * <p>When it can go: as soon as this project can use a Java SDK that reads the new form itself (upstream's
 * {@code github/copilot-sdk} 1.0.x, package {@code com.github.copilot}, which Maven Central does not serve here yet).
 */
public final class PingCompatibility {
    private static final String CLIENT_CLASS = "com.github.copilot.sdk.JsonRpcClient";
    private static boolean installed;

    private PingCompatibility() {}

    /**
     * Registers the deserializer on the SDK's shared mapper; does nothing the second time.
     *
     * @throws AgentException in one line, if the SDK on the class path is not built as this code expects
     */
    public static synchronized void install() throws AgentException {
        if (installed) {
            return;
        }
        ObjectMapper mapper;
        try {
            Method getter = Class.forName(CLIENT_CLASS).getDeclaredMethod("getObjectMapper");
            getter.setAccessible(true);
            mapper = (ObjectMapper) getter.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw unexpected(e);
        }
        if (mapper == null) {
            throw unexpected(new IllegalStateException("no mapper"));
        }
        SimpleModule module = new SimpleModule("planexec-ping-timestamp");
        module.addDeserializer(PingResponse.class, new Deserializer());
        mapper.registerModule(module);
        installed = true;
    }

    private static AgentException unexpected(Exception e) {
        return new AgentException("planexec's Copilot SDK is not the version it was built with (" + CLIENT_CLASS
                + ".getObjectMapper(): " + e.getClass().getSimpleName()
                + "); rebuild planexec from its own pom.xml");
    }

    /** The ping answer with its timestamp as a number of milliseconds or an ISO-8601 instant. */
    static final class Deserializer extends StdDeserializer<PingResponse> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(PingResponse.class);
        }

        @Override
        public PingResponse deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            JsonNode message = node.get("message");
            JsonNode version = node.get("protocolVersion");
            return new PingResponse(
                    message == null || message.isNull() ? null : message.asText(),
                    timestamp(node.get("timestamp")),
                    version == null || !version.canConvertToInt() ? null : version.asInt());
        }

        /** Only logged by the SDK, so a form neither old nor new reads as 0 rather than failing the start. */
        private static long timestamp(JsonNode value) {
            if (value == null || value.isNull()) {
                return 0;
            }
            if (value.isNumber()) {
                return value.asLong();
            }
            try {
                return Instant.parse(value.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                return 0;
            }
        }
    }
}
