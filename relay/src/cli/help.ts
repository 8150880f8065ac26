// The text of `bttn-relay --help`. Keep it true: a user on a Pi reads it first.
import { HTTP_LIMITS as L } from "../http/server";

const s = (ms: number) => ms / 1000 + " s";

export const HELP = `bttn-relay: turns bttn presses (MQTT) into webhooks (HTTP) and answers the button's LED.

Usage:
  bttn-relay [run] [options]          start the relay (the default command)
  bttn-relay bttn add <id> [--name NAME] [--relay-host HOST] [--wifi-ssid SSID] [--wifi-password PW]
                                      add a bttn; prints its secret and a device file for flash.sh
  bttn-relay bttn list                list bttns
  bttn-relay bttn remove <id>         remove a bttn (its history is kept)
  bttn-relay bttn secret <id>         give a bttn a new secret (prints it)
  bttn-relay action set <id> <event> --url URL [--method GET|POST|PUT|DELETE|PATCH]
        [--format form|json] [--arg key=value ...] [--header Name=value ...] [--timeout MS]
        [--dynamic-origin https://host:port ...]
                                      set the HTTP action of a bttn added with the CLI; with
                                      --url dynamic and headers, the origins a registered
                                      webhook may have (its headers go nowhere else)
  bttn-relay keys create --name NAME --bttn ID [--bttn ID ...]
                                      make an API key for a webhook server acting for those
                                      bttns (dynamic webhooks, read API); prints it, only now
  bttn-relay keys list                list API keys and admin tokens (never the keys themselves)
  bttn-relay keys revoke <key id>     revoke a key or token for good; its webhooks stop counting
  bttn-relay admin token [--name NAME]
                                      make an admin token for the REST API; prints it, only now
  bttn-relay config check [FILE]      validate a config file and exit
  bttn-relay --help | --version

Options of run (each also as an environment variable):
  --broker URL             use an external MQTT broker (mqtt://host:1883, mqtts://host:8883)
                           instead of the embedded one                           BTTN_BROKER
  --broker-username NAME   user name at the external broker                      BTTN_BROKER_USERNAME
  --broker-password PW     password at the external broker                       BTTN_BROKER_PASSWORD
  --broker-ca FILE         CA certificate (PEM) that signed an mqtts:// broker's
                           certificate, when it is not a public CA               BTTN_BROKER_CA
  --mqtt-port N|off        embedded broker's plain MQTT port (default 1883);
                           off: none, devices use mqtts only (needs --tls-cert)  BTTN_MQTT_PORT
  --mqtts-port N           embedded broker's MQTT-over-TLS port, open when
                           --tls-cert is given (default 8883)                    BTTN_MQTTS_PORT
  --http-port N            port for /healthz and the API (default 8080); HTTPS
                           when --tls-cert is given                              BTTN_HTTP_PORT
  --tls-cert FILE          the relay's certificate (PEM, intermediates after it)
                           for mqtts and HTTPS (or relay.tls in the config)      BTTN_TLS_CERT
  --tls-key FILE           its private key (PEM, unencrypted)                    BTTN_TLS_KEY
  --host ADDR              listen on this address only (default: all)            BTTN_HOST
  --data DIR               where the SQLite database lives (default ./data)      BTTN_DATA
  --config FILE            config file, JSON or YAML (default: bttn-relay.json,
                           bttn-relay.yaml or bttn-relay.yml in this directory)  BTTN_CONFIG
  --log-level LEVEL        silent, error, warn, info (default) or debug          BTTN_LOG_LEVEL
  --public-url URL         where webhook servers reach this relay, for async
                           callback URLs (default http://<LAN address>:<http port>,
                           https:// with --tls-cert)                             BTTN_PUBLIC_URL

HTTP connections must send their request headers within ${s(L.headersTimeoutMs)} and the whole request within ${s(L.requestTimeoutMs)};
idle keep-alive connections close after ${s(L.keepAliveTimeoutMs)}; at most ${L.maxConnections} are open at once. A TLS handshake
(mqtts or HTTPS) must finish within ${s(L.handshakeTimeoutMs)}.

Options of bttn, action, keys, admin and config commands: --data DIR (as above).

REST API: http(s)://<host>:<http port>/api/v1 (description: /api/v1/openapi.json). At its first start
the relay makes an admin token and writes it into the log once, in a warn line marked
"ADMIN TOKEN": the only secret the relay ever logs. Keys are stored hashed.

The database in --data is the one source of truth for bttns. The config file is applied to it at
start-up: it owns the bttns it declares; bttns added with the CLI stay until removed.
Events: pressed, pressed-long, pressed-double, heartbeat, and not-pressed, which the relay makes
when a bttn with "notPressed": {"between": "07:00-10:00"} in the config is not pressed in that window.
`;
