{{/* Names, labels and the rendered switchboard.yaml. */}}

{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- end }}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "switchboard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "switchboard.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "switchboard.configDir" -}}/etc/switchboard{{- end }}

{{/* The admin Service: health, metrics and the admin API, never the webhooks. */}}
{{- define "switchboard.adminServiceName" -}}
{{- printf "%s-admin" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Names of the environment variables the configuration reads secrets from, one per line as
<where>=<NAME>: every option ending in _env of models, sinks and sources (api_key_env, secret_env,
url_env, ...), and ${env:NAME} in Kafka properties.
*/}}
{{- define "switchboard.referencedEnv" -}}
{{- range $model, $definition := .Values.models }}
{{- if kindIs "map" $definition }}
{{- range $option, $value := $definition }}
{{- if and (hasSuffix "_env" $option) $value }}
{{ printf "models.%s.%s=%s" $model $option $value }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $section := list "sinks" "sources" }}
{{- range $name, $spec := (index $.Values $section) }}
{{- if kindIs "map" $spec }}
{{- range $type, $options := $spec }}
{{- if kindIs "map" $options }}
{{- range $option, $value := $options }}
{{- if and (hasSuffix "_env" $option) $value }}
{{ printf "%s.%s.%s.%s=%s" $section $name $type $option $value }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $property, $value := .Values.kafka.properties }}
{{- range $reference := regexFindAll "\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}" (toString $value) -1 }}
{{ printf "kafka.properties.%s=%s" $property (trimSuffix "}" (trimPrefix "${env:" $reference)) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Fails rendering when the configuration would carry a secret, or names an environment variable
that the pod does not get.
*/}}
{{- define "switchboard.checkSecrets" -}}
{{- $plainEnv := dict }}
{{- range .Values.env }}
{{- $_ := set $plainEnv .name true }}
{{- end }}
{{- range $line := splitList "\n" (include "switchboard.referencedEnv" .) }}
{{- if $line }}
{{- $parts := splitn "=" 2 $line }}
{{- if not (or (hasKey $.Values.secretEnv $parts._1) (hasKey $plainEnv $parts._1)) }}
{{- fail (printf "%s names environment variable %s, but the pod does not get it. Add secretEnv.%s: {secretName: <existing Secret>, key: <key in it>}" $parts._0 $parts._1 $parts._1) }}
{{- end }}
{{- end }}
{{- end }}
{{- range $property, $value := .Values.kafka.properties }}
{{- $text := toString $value }}
{{- if and (regexMatch "(?i)password$" $property) (not (regexMatch "^\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}$" $text)) }}
{{- fail (printf "kafka.properties.%s holds a literal password; the ConfigMap is not a secret store. Write ${env:NAME} and map NAME under secretEnv" $property) }}
{{- end }}
{{- if regexMatch "(?i)password\\s*=\\s*\"(?:[^$\"]|\\$[^{])" $text }}
{{- fail (printf "kafka.properties.%s holds a literal password; the ConfigMap is not a secret store. Write password=\"${env:NAME}\" and map NAME under secretEnv" $property) }}
{{- end }}
{{- end }}
{{- range $name, $spec := .Values.sinks }}
{{- if kindIs "map" $spec }}
{{- range $type, $options := $spec }}
{{- if kindIs "map" $options }}
{{- range $header, $_ := ($options.headers | default dict) }}
{{- if regexMatch "(?i)^(authorization|proxy-authorization|cookie)$|token|secret|password|api-?key" $header }}
{{- fail (printf "sinks.%s.%s.headers.%s looks like a credential; header values are plain configuration. Use secret_env (a signing secret from a Secret) instead" $name $type $header) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Kafka client properties, with Kafka's environment-variable config provider when they use ${env:NAME}. */}}
{{- define "switchboard.kafkaProperties" -}}
{{- $properties := deepCopy (.Values.kafka.properties | default dict) }}
{{- $usesEnv := false }}
{{- range $_, $value := $properties }}
{{- if contains "${env:" (toString $value) }}
{{- $usesEnv = true }}
{{- end }}
{{- end }}
{{- if and $usesEnv (not (hasKey $properties "config.providers")) }}
{{- $_ := set $properties "config.providers" "env" }}
{{- $_ := set $properties "config.providers.env.class" "org.apache.kafka.common.config.provider.EnvVarConfigProvider" }}
{{- end }}
{{- range $key, $value := $properties }}
{{- $_ := set $properties $key (toString $value) }}
{{- end }}
{{- toYaml $properties }}
{{- end }}

{{/* The engine configuration, switchboard.yaml. */}}
{{- define "switchboard.config" -}}
{{- $bootstrap := required "kafka.bootstrapServers is required: this chart runs Switchboard against an existing Kafka cluster and never starts the embedded broker. Set it in your values file (kafka: {bootstrapServers: \"kafka-0.kafka:9092,kafka-1.kafka:9092\"}) or with --set kafka.bootstrapServers=kafka-0.kafka:9092" .Values.kafka.bootstrapServers }}
{{- $kafka := dict "bootstrap_servers" $bootstrap }}
{{- with .Values.kafka.properties }}
{{- $_ := set $kafka "properties" (include "switchboard.kafkaProperties" $ | fromYaml) }}
{{- end }}
{{- with .Values.kafka.partitions }}
{{- $_ := set $kafka "partitions" (int .) }}
{{- end }}
{{- with .Values.kafka.replicationFactor }}
{{- $_ := set $kafka "replication_factor" (int .) }}
{{- end }}
{{- $http := dict "host" "0.0.0.0" "port" (int .Values.http.port) }}
{{- with .Values.http.maxBodyBytes }}
{{- $_ := set $http "max_body_bytes" (int64 .) }}
{{- end }}
{{- if .Values.http.tls.existingSecret }}
{{- $_ := set $http "tls" (dict "cert_file" (printf "%s/tls.crt" .Values.http.tls.mountPath) "key_file" (printf "%s/tls.key" .Values.http.tls.mountPath)) }}
{{- end }}
{{- range $option, $value := .Values.http.options }}
{{- if hasKey $http $option }}
{{- fail (printf "http.options.%s: the chart sets %s itself; use the chart's own value (http.port, http.maxBodyBytes, http.tls) instead" $option $option) }}
{{- end }}
{{- if eq $option "admin_token_env" }}
{{- fail "http.options.admin_token_env: the admin token is admin.token_env; map SWITCHBOARD_ADMIN_TOKEN under secretEnv" }}
{{- end }}
{{- $_ := set $http $option $value }}
{{- end }}
{{- $adminService := include "switchboard.adminServiceName" . }}
{{- $adminHosts := list "localhost" $adminService (printf "%s.%s" $adminService .Release.Namespace) (printf "%s.%s.svc" $adminService .Release.Namespace) (printf "%s.%s.svc.cluster.local" $adminService .Release.Namespace) }}
{{- $admin := dict "host" "0.0.0.0" "port" (int .Values.admin.port) "allowed_hosts" (concat $adminHosts .Values.admin.allowedHosts) }}
{{- range $option, $value := .Values.admin.options }}
{{- if hasKey $admin $option }}
{{- fail (printf "admin.options.%s: the chart sets %s itself; use the chart's own value (admin.port, admin.allowedHosts) instead" $option $option) }}
{{- end }}
{{- $_ := set $admin $option $value }}
{{- end }}
{{- $config := dict "kafka" $kafka "http" $http "admin" $admin "workflows" (list "workflows") }}
{{- range $section := list "topics" "models" "sinks" "sources" "outbound" "delivery" }}
{{- with (index $.Values $section) }}
{{- $_ := set $config $section (deepCopy .) }}
{{- end }}
{{- end }}
{{- range $section, $value := .Values.extraConfig }}
{{- if hasKey $config $section }}
{{- fail (printf "extraConfig.%s: the chart renders this section from its own values; set it there instead" $section) }}
{{- end }}
{{- $_ := set $config $section $value }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/*
The public listener's webhook paths, one per line: each configured source's `path`, or its type's
default (docs/reference/configuration.md), then ingress.extraPaths. Sources that are no webhook
(camel, camt053-folder, debezium-postgres, imap) have none.
*/}}
{{- define "switchboard.webhookPaths" -}}
{{- $defaults := dict "camt053" "/webhooks/camt053" "cloudevents" "/events" "freshdesk" "/webhooks/freshdesk" "github-issues" "/webhooks/github" "jira-sm" "/webhooks/jira" "mailgun-inbound" "/webhooks/mailgun/inbound" "sendgrid-inbound" "/webhooks/sendgrid/inbound" "zendesk" "/webhooks/zendesk" }}
{{- $paths := list }}
{{- range $name, $source := .Values.sources }}
{{- if $source }}
{{- range $type, $options := $source }}
{{- if hasKey $defaults $type }}
{{- $paths = append $paths (default (get $defaults $type) (and $options $options.path)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range .Values.ingress.extraPaths }}
{{- $paths = append $paths . }}
{{- end }}
{{- join "\n" (uniq $paths) }}
{{- end }}
