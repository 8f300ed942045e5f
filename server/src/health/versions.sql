SELECT current_setting('server_version') AS postgres_version, postgis_lib_version() AS postgis_version
