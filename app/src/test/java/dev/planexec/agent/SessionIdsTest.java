package dev.planexec.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdsTest {
    private static final Path SESSIONS = Path.of("/state/sessions");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../../x",
                "..",
                ".",
                "",
                "a/b",
                "/etc/passwd",
                "x/../../y",
                "..\\..\\x",
                "-rf",
                ".hidden",
                "sp ace",
                "nul\0byte",
                "é"
            })
    void a_hostile_id_becomes_a_plain_name_inside_the_sessions_folder(String id) {
        String name = SessionIds.fileName(id);

        assertTrue(name.matches("[A-Za-z0-9][A-Za-z0-9._-]*"), name);
        assertTrue(!name.contains(".."), name);
        Path folder = SESSIONS.resolve(name).normalize();
        assertEquals(SESSIONS, folder.getParent(), folder.toString());
    }

    @Test
    void a_long_id_is_hashed_to_a_short_name() {
        String name = SessionIds.fileName("planexec-" + "x".repeat(300));

        assertTrue(name.startsWith("h-"), name);
        assertEquals(42, name.length(), name);
    }

    @Test
    void different_hostile_ids_get_different_names() {
        assertNotEquals(SessionIds.fileName("../../x"), SessionIds.fileName("../../y"));
        assertEquals(SessionIds.fileName("../../x"), SessionIds.fileName("../../x"));
    }

    @Test
    void planexec_ids_are_used_as_they_are() {
        String id = SessionIds.newId("Demo Plan!", "build/site");

        assertTrue(id.matches("planexec-demo-plan-build-site-[0-9a-f]{8}"), id);
        assertEquals(id, SessionIds.fileName(id));
    }
}
