package io.khora.jcache;

import java.lang.management.ManagementFactory;

import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's MXBeans with the platform MBean server, under
 * {@code javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=<uri>,Cache=<name>}
 * (characters an ObjectName value cannot hold replaced by '.').
 */
final class MBeans {
    static final String CONFIGURATION = "CacheConfiguration";
    static final String STATISTICS = "CacheStatistics";

    private MBeans() {
    }

    static ObjectName name(KhoraCache<?, ?> cache, String type) {
        try {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + safe(cache.getCacheManager().getURI().toString())
                    + ",Cache=" + safe(cache.getName()));
        } catch (MalformedObjectNameException e) {
            throw new CacheException("cannot name the MBean of cache '" + cache.getName() + "'", e);
        }
    }

    private static String safe(String s) {
        return s == null ? "" : s.replaceAll(",|:|=|\n", ".");
    }

    static void register(KhoraCache<?, ?> cache, String type, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, type);
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (InstanceAlreadyExistsException raced) {
            // registered concurrently: fine
        } catch (Exception e) {
            throw new CacheException("cannot register " + name + ": " + e, e);
        }
    }

    static void unregister(KhoraCache<?, ?> cache, String type) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, type);
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (InstanceNotFoundException raced) {
            // gone already
        } catch (Exception e) {
            throw new CacheException("cannot unregister " + name + ": " + e, e);
        }
    }
}
