// Alerts on Azure Functions (Flex Consumption), reached by a user-assigned managed identity only:
// no storage keys, no secrets in app settings (Key Vault references instead).
// Names the app depends on (app settings, queue names) are checked by tests/Alerts.Tests/Functions/
// FunctionsConsistencyTests.cs against host.json and the functions.metadata the build writes.

targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Lowercase letters and digits, 3 to 11 characters; starts every resource name.')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('The From address of digest emails (a sender verified in SendGrid).')
param senderAddress string

@description('NCRONTAB schedule (6 fields: sec min hour day month dow) of the Schedule function (feed polling).')
param alertSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule of the ScheduleDigests function (which digests are due).')
param digestSchedule string = '0 */5 * * * *'

@description('The public https address of the pages and API (links in emails). Empty: the app\'s own azurewebsites.net address.')
param publicBaseUrl string = ''

@description('Upper bound of instances the plan scales out to (Flex Consumption: 1 to 1000).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('SendGrid API key, stored in Key Vault; the app sees it through a Key Vault reference.')
@secure()
param sendGridApiKey string

@description('Key that signs unsubscribe and confirmation tokens (at least 32 random bytes, base64), stored in Key Vault.')
@secure()
param tokenSigningKey string

var suffix = take(uniqueString(subscription().id, resourceGroup().id, namePrefix), 6)
var functionAppName = '${namePrefix}-func-${suffix}'
// The app's default host name; a custom domain goes in publicBaseUrl.
var siteUrl = empty(publicBaseUrl) ? 'https://${functionAppName}.azurewebsites.net' : publicBaseUrl
// The id of the one token-signing key; a rotation adds a second key beside it (docs/deploy.md).
var tokenKeyId = 'k1'
var deploymentContainerName = 'app-package'

// The queues between functions; the app settings below name them, the functions' bindings read the settings.
var queueNames = [
  'feed-poll'
  'articles'
  'digests'
]

// Built-in role definitions.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id-${suffix}'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: '${namePrefix}st${suffix}'
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The host creates the <queue>-poison queues itself when it first moves a message there.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queueNames: {
  parent: queueService
  name: queue
}]

// The Table store adapters create their tables on first use (Storage Table Data Contributor allows it).
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]: {
  scope: storage
  name: guid(storage.id, identity.id, role)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-log-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-appi-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${namePrefix}-kv-${suffix}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'sendgrid-api-key'
  properties: { value: sendGridApiKey }
}

resource signingSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'token-signing-key'
  properties: { value: tokenSigningKey }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  tags: { 'azd-service-name': 'functions' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      // .NET 10 on the isolated worker (Flex Consumption lists it as dotnet-isolated 10.0).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'AlertsSchedule', value: alertSchedule }
        { name: 'DigestSchedule', value: digestSchedule }
        { name: 'FeedPollQueue', value: 'feed-poll' }
        { name: 'ArticlesQueue', value: 'articles' }
        { name: 'DigestsQueue', value: 'digests' }
        { name: 'Site__PublicBaseUrl', value: siteUrl }
        { name: 'Mail__Provider', value: 'SendGrid' }
        { name: 'Mail__From', value: senderAddress }
        { name: 'Mail__SendGrid__ApiKey', value: '@Microsoft.KeyVault(SecretUri=${sendGridSecret.properties.secretUri})' }
        { name: 'Tokens__ActiveKeyId', value: tokenKeyId }
        { name: 'Tokens__Keys__0__Id', value: tokenKeyId }
        { name: 'Tokens__Keys__0__Secret', value: '@Microsoft.KeyVault(SecretUri=${signingSecret.properties.secretUri})' }
      ]
    }
  }
  dependsOn: [
    storageRoles
    vaultRole
    deploymentContainer
    queues
  ]
}

output AZURE_FUNCTION_APP_NAME string = functionApp.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name
output AZURE_KEY_VAULT_NAME string = vault.name
output APPLICATIONINSIGHTS_NAME string = appInsights.name
