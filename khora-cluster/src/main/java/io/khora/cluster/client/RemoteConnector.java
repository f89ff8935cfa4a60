package io.khora.cluster.client;

import io.khora.Space;
import io.khora.internal.router.SpaceConnector;

/** Makes {@code Spaces.connect("khora://…")} give a {@link RemoteSpace} (registered with ServiceLoader). */
public final class RemoteConnector implements SpaceConnector {
    @Override
    public boolean accepts(String uri) {
        return uri.startsWith(KhoraUri.SCHEME);
    }

    @Override
    public Space connect(String uri) {
        return RemoteSpace.connect(uri);
    }
}
