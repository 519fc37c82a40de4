using Alerts.Azure;

namespace Alerts.Tests.Azure;

/// <summary>The batch response parser on the shapes the Table service documents (written here from the REST reference's description).</summary>
public class TableBatchResponseTests
{
    private static string Response(params string[] parts) =>
        "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n"
        + string.Concat(parts.Select(part => "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" + part + "\r\n"))
        + "--changesetresponse_1--\r\n--batchresponse_1--\r\n";

    [Fact]
    public void ASuccessfulBatchGivesEachOperationsETagInOrder()
    {
        var body = Response(
            "HTTP/1.1 204 No Content\r\nContent-ID: 1\r\nDataServiceVersion: 1.0;\r\nETag: W/\"datetime'2026-03-01T12%3A00%3A00.1Z'\"\r\n",
            "HTTP/1.1 204 No Content\r\nContent-ID: 2\r\nDataServiceVersion: 1.0;\r\n",
            "HTTP/1.1 201 Created\r\nContent-ID: 3\r\netag: W/\"datetime'2026-03-01T12%3A00%3A00.3Z'\"\r\n\r\n{\"PartitionKey\":\"p\"}");

        var result = AzureTableClient.ParseBatchResponse(body, 3);

        result.Written.ShouldBeTrue();
        result.FailedIndex.ShouldBeNull();
        result.ETags.ShouldBe(["W/\"datetime'2026-03-01T12%3A00%3A00.1Z'\"", null, "W/\"datetime'2026-03-01T12%3A00%3A00.3Z'\""]);
    }

    [Fact]
    public void AFailedBatchNamesTheOperationFromTheMessageIndex()
    {
        var body = Response(
            "HTTP/1.1 412 Precondition Failed\r\nContent-ID: 3\r\nContent-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n"
            + "{\"odata.error\":{\"code\":\"UpdateConditionNotSatisfied\",\"message\":{\"lang\":\"en-US\",\"value\":\"2:The update condition specified in the request was not satisfied.\\nRequestId:x\"}}}");

        var result = AzureTableClient.ParseBatchResponse(body, 4);

        result.Outcome.ShouldBe(TableWriteOutcome.ConcurrencyConflict);
        result.FailedIndex.ShouldBe(2);
        result.ErrorCode.ShouldBe("UpdateConditionNotSatisfied");
        result.ETags.ShouldBeEmpty();
    }

    [Fact]
    public void ABatchRejectedForAnotherReasonThrowsWithTheCode()
    {
        var body = Response(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n"
            + "{\"odata.error\":{\"code\":\"PropertyValueTooLarge\",\"message\":{\"lang\":\"en-US\",\"value\":\"0:The property value exceeds the maximum allowed size.\"}}}");

        var error = Should.Throw<AzureStorageException>(() => AzureTableClient.ParseBatchResponse(body, 1));

        error.Message.ShouldBe("azure: table batch failed: 400 PropertyValueTooLarge (operation 0)");
        error.ErrorCode.ShouldBe("PropertyValueTooLarge");
    }

    [Fact]
    public void AResponseWithTheWrongNumberOfPartsIsAnError()
    {
        Should.Throw<AzureStorageException>(() => AzureTableClient.ParseBatchResponse(Response("HTTP/1.1 204 No Content\r\n"), 2));
    }
}
