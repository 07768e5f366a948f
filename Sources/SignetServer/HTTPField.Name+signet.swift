import HTTPTypes

extension HTTPField.Name {
    static let xAmzTarget = Self("X-Amz-Target")!
    static let xAmznRequestId = Self("x-amzn-RequestId")!
    static let xAmznErrorType = Self("X-Amzn-ErrorType")!
}
