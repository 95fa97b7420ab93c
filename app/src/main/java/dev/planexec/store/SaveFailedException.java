package dev.planexec.store;

import java.io.IOException;

/** The plan could not be written; the file on disk still holds the last plan that was saved. */
public final class SaveFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    public SaveFailedException(String message, IOException cause) {
        super(message, cause);
    }
}
