package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.copilot.sdk.json.PingResponse;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** The SDK's own mapper, after planexec's fix, reads the ping answer of CLI 1.0.50 and of CLI 1.0.102. */
class PingCompatibilityTest {

    @Test
    void the_sdk_reads_both_forms_of_the_ping_timestamp() throws Exception {
        PingCompatibility.install();
        PingCompatibility.install(); // a second time does nothing
        ObjectMapper sdk = sdkMapper();

        // Exactly what the two CLIs answer on the wire.
        PingResponse old = sdk.readValue(
                "{\"message\":\"pong\",\"timestamp\":1796063800230,\"protocolVersion\":3}", PingResponse.class);
        PingResponse current = sdk.readValue(
                "{\"message\":\"pong\",\"timestamp\":\"2026-11-30T18:36:41.834804187Z\",\"protocolVersion\":3}",
                PingResponse.class);

        assertEquals(new PingResponse("pong", 1796063800230L, 3), old);
        assertEquals(new PingResponse("pong", 1796063801834L, 3), current);
    }

    private static ObjectMapper sdkMapper() throws Exception {
        Method getter = Class.forName("com.github.copilot.sdk.JsonRpcClient").getDeclaredMethod("getObjectMapper");
        getter.setAccessible(true);
        return (ObjectMapper) getter.invoke(null);
    }
}
