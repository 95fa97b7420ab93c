package dev.planexec.it.copilot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The oldest Copilot CLI planexec supports (1.0.50) still runs, survives a kill -9 and resumes, also as a server. */
class CopilotOldestCliIT {

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld(CopilotCli.OLDEST);

    @Test
    void crash_mid_task_then_resume_continues_the_same_session_on_the_oldest_supported_cli() throws Exception {
        CopilotRecoveryIT.crashThenResume(world);
    }

    @Test
    void on_a_server_resume_after_kill_9_goes_back_to_the_same_server_and_session() throws Exception {
        CopilotServersIT.crashThenResumeOnServers(world);
    }
}
