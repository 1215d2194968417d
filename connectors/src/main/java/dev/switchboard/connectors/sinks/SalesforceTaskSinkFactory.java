package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpCredentials;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes {@link SalesforceTaskSink}s: a Salesforce Task sObject per task through the REST API, keyed
 * by an External ID field that holds the Switchboard task id ({@code Switchboard_Task_Id__c} by default).
 */
public final class SalesforceTaskSinkFactory extends CrmSinkFactory<SalesforceTaskSinkFactory.Options> {

    public SalesforceTaskSinkFactory() {
        super(Options.class, "instance_url", Options::instanceUrl, SalesforceTaskSink::new);
    }

    @Documentation(name = "salesforce", summary = "Writes a Salesforce Task (REST API) per task, related to the records in the task's fields; exactly once through an External ID field.",
            description = """
                    Maps `title` → `Subject` (255 characters), `body` → `Description`, the due date → `ActivityDate`,
                    `priority` → `Priority` (low → Low, normal → Normal, high and urgent → High), `owner` → `OwnerId` when it
                    is a user id (005…, else `default_owner_id`), task fields `salesforce_who_id` (a Contact or Lead) →
                    `WhoId` and `salesforce_what_id` (an Account, Opportunity, Case, …) → `WhatId`.

                    Setup, once per org: a custom Task (Activity) text field `Switchboard_Task_Id__c` marked External ID
                    and Unique, an access token for an integration user in `token_env` or `token_file`, and the My Domain
                    host in `outbound.allowed_hosts`. The token is sent as `Authorization: Bearer`; a file is read at each
                    request, so a sidecar that refreshes it needs no restart.
                    """)
    @Example(title = "Tasks in Salesforce, kept as people edit them", yaml = """
            salesforce-tasks:
              salesforce:
                instance_url: https://acme.my.salesforce.com
                token_env: SALESFORCE_ACCESS_TOKEN
                default_owner_id: 005000000000001AAA
            """)
    @Example(title = "Upsert, token refreshed into a file by a sidecar", yaml = """
            salesforce-tasks:
              salesforce:
                instance_url: https://acme.my.salesforce.com
                token_file: /var/run/salesforce/access-token
                api_version: v60.0
                external_id_field: Ops_Task_Key__c
                on_redelivery: overwrite
                status: Not Started
            """)
    public record Options(
            @Option(description = "The org's instance URL (My Domain), e.g. `https://acme.my.salesforce.com`; its host must be in `outbound.allowed_hosts`.", required = true)
            @JsonProperty("instance_url") String instanceUrl,
            @OptionGroup HttpCredentials credentials,
            @Option(description = "REST API version.", defaultValue = "v60.0")
            @JsonProperty("api_version") String apiVersion,
            @Option(description = "The Task External ID field (Unique, for `keep`) that holds the Switchboard task id.", defaultValue = "Switchboard_Task_Id__c")
            @JsonProperty("external_id_field") String externalIdField,
            @Option(description = "What a redelivered task does to the Task already there: `keep` it as people left it, or `overwrite` it (upsert).", defaultValue = "keep", allowed = {"keep", "overwrite"})
            @JsonProperty("on_redelivery") String onRedelivery,
            @Option(description = "`Status` of new Tasks; a value of the org's Task Status picklist.", defaultValue = "Not Started")
            String status,
            @Option(description = "Salesforce user id (005…) for tasks whose owner is not a user id or is missing; without it the integration user owns them.")
            @JsonProperty("default_owner_id") String defaultOwnerId,
            @OptionGroup HttpTimeout timeout) implements CrmOptions {
    }

    @Override
    protected List<OptionProblem> checkOwnOptions(Options options) {
        List<OptionProblem> problems = new ArrayList<>();
        if (!options.apiVersion().matches("v[0-9]{2,3}\\.0")) {
            problems.add(OptionProblem.at("api_version", "Invalid API version").got(options.apiVersion()).expected("the form v60.0"));
        }
        if (!options.externalIdField().matches("[A-Za-z][A-Za-z0-9_]*__c")) {
            problems.add(OptionProblem.at("external_id_field", "Invalid field").got(options.externalIdField())
                    .expected("the API name of a custom field, ending in __c"));
        }
        if (options.defaultOwnerId() != null && !SalesforceTaskSink.USER_ID.matcher(options.defaultOwnerId()).matches()) {
            problems.add(OptionProblem.at("default_owner_id", "Invalid user id").got(options.defaultOwnerId())
                    .expected("a Salesforce user id (005…, 15 or 18 characters)"));
        }
        return problems;
    }
}
