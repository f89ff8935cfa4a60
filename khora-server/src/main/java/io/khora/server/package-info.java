/**
 * The runnable Khora server: the {@code khora} command line ({@code node}, {@code status}) and its
 * configuration file.
 */
package io.khora.server;
