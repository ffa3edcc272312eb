/**
 * What ties a mount together: {@link io.curvefs.client.mount.ClientConfig} (client.conf), the session at
 * the MDS ({@link io.curvefs.client.mount.MountSession}), the data path's stores implemented over the
 * metadata clients ({@link io.curvefs.client.mount.MetaChunkInfoStore},
 * {@link io.curvefs.client.mount.MdsChunkIdSource}) and the libfuse options
 * ({@link io.curvefs.client.mount.FuseOptions}). {@link io.curvefs.client.CurveFuseMain} assembles them.
 */
package io.curvefs.client.mount;
